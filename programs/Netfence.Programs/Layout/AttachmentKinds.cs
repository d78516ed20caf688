namespace Netfence.Programs.Layout;

/// <summary>What <see cref="AttachmentKey.Id"/> identifies.</summary>
public static class AttachmentKinds
{
    /// <summary>A network device in the host namespace, by ifindex (TC attachments).</summary>
    public const uint Interface = 1;

    /// <summary>A cgroup v2 directory, by cgroup id (the directory's inode number).</summary>
    public const uint Cgroup = 2;
}
