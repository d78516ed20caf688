using Netfence.Bpf.Links;
using Netfence.Programs.Layout;

namespace Netfence.Datapath;

/// <summary>What an attachment filters: a host-side network device (by ifindex) or a cgroup (by cgroup id).</summary>
public readonly record struct AttachmentTarget(uint Kind, ulong Id)
{
    /// <summary>A network device in the host namespace.</summary>
    public static AttachmentTarget Interface(int ifindex) =>
        ifindex > 0 ? new(AttachmentKinds.Interface, (ulong)ifindex) : throw new ArgumentOutOfRangeException(nameof(ifindex), ifindex, "an ifindex is positive");

    /// <summary>A cgroup v2 directory, identified by its cgroup id (the directory's inode number).</summary>
    public static AttachmentTarget Cgroup(string cgroupPath) => new(AttachmentKinds.Cgroup, CgroupV2.Id(cgroupPath));

    /// <summary>The attachment table key.</summary>
    public AttachmentKey Key => new() { Kind = Kind, Id = Id };

    /// <inheritdoc />
    public override string ToString() => Kind == AttachmentKinds.Interface ? $"interface ifindex {Id}" : $"cgroup id {Id}";
}
