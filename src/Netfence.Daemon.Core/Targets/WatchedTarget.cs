namespace Netfence.Daemon.Targets;

/// <summary>
/// A target an attachment filters, as the watcher identifies it: by kernel identity (ifindex, cgroup id), so that a
/// new device or cgroup that reuses a name is not mistaken for the old one.
/// </summary>
public abstract record WatchedTarget
{
    private WatchedTarget() { }

    /// <summary>A network device (VM tap, container veth) by ifindex, with its name for messages.</summary>
    public sealed record Interface(int Ifindex, string Name) : WatchedTarget;

    /// <summary>
    /// A cgroup v2 directory by its id (inode number), with its full path in the file system (under the cgroup2
    /// mount): the watcher watches its parent directory and checks the id found at it, so a path relative to the
    /// mount would name nothing.
    /// </summary>
    public sealed record Cgroup(ulong Id, string Path) : WatchedTarget;
}
