namespace Netfence.Daemon.Targets.Cgroups;

/// <summary>The inotify event bits the cgroup watcher asks for or must understand (<c>sys/inotify.h</c>).</summary>
[Flags]
internal enum InotifyMask : uint
{
    None = 0,
    /// <summary>IN_DELETE: an entry of the watched directory was removed; the event names it.</summary>
    Delete = 0x200,
    /// <summary>IN_UNMOUNT: the filesystem of the watched directory was unmounted (IN_IGNORED follows).</summary>
    Unmount = 0x2000,
    /// <summary>IN_Q_OVERFLOW: the instance's queue overflowed and events were lost (wd is -1).</summary>
    QueueOverflow = 0x4000,
    /// <summary>IN_IGNORED: the watch is gone (removed by us, or by the kernel).</summary>
    Ignored = 0x8000,
    /// <summary>IN_ONLYDIR: add the watch only if the path is a directory.</summary>
    OnlyDirectory = 0x0100_0000,
    /// <summary>IN_ISDIR: the entry the event names is a directory.</summary>
    IsDirectory = 0x4000_0000,
}
