using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Links;

/// <summary>
/// The cgroup v2 hierarchy: where it is mounted (read from /proc/mounts, since hosts mount it
/// at /sys/fs/cgroup, /sys/fs/cgroup/unified or elsewhere) and opening cgroups inside it.
/// </summary>
public static class CgroupV2
{
    /// <summary>The mount point of the cgroup2 filesystem.</summary>
    public static string FindMount() => FindMount(File.ReadAllText(MountTable.ProcMounts));

    /// <summary>The cgroup2 mount point named in a /proc/mounts text.</summary>
    public static string FindMount(string procMounts)
    {
        var mounts = MountTable.MountPoints("cgroup2", procMounts);
        if (mounts.Count > 0) return mounts[0];
        throw new InvalidOperationException("no cgroup v2 (cgroup2) filesystem is mounted (none in /proc/mounts): mount one, e.g. `mount -t cgroup2 none /sys/fs/cgroup/unified`");
    }

    /// <summary>
    /// Checks that <paramref name="path"/> names an existing directory inside the cgroup v2
    /// mount and returns its full path.
    /// </summary>
    public static string Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the cgroup path is empty", nameof(path));
        var mount = Path.TrimEndingDirectorySeparator(FindMount());
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (full != mount && !full.StartsWith(mount + "/", StringComparison.Ordinal))
            throw new ArgumentException($"cgroup '{path}' is not inside the cgroup v2 mount ({mount}); cgroup v1 hierarchies cannot take bpf programs", nameof(path));
        if (!Directory.Exists(full))
            throw new ArgumentException($"cgroup '{path}' does not exist", nameof(path));
        return full;
    }

    /// <summary>
    /// The id the kernel's helpers (bpf_get_current_cgroup_id and its ancestor variants) report for the cgroup at
    /// <paramref name="path"/>: the cgroup v2 directory's inode number.
    /// </summary>
    public static ulong Id(string path)
    {
        var full = Validate(path);
        return TryId(full) ?? throw new BpfException($"stat cgroup '{full}'", Errno.ENOENT, "the cgroup was removed");
    }

    /// <summary>
    /// The id of the cgroup directory at <paramref name="fullPath"/>, or null when nothing is there any more. No
    /// validation against the mount table: for re-checking many known cgroup paths quickly (a watcher's
    /// resynchronisation). A cgroup v2 directory cannot be renamed, so a path holding another id holds another cgroup.
    /// </summary>
    public static ulong? TryId(string fullPath)
    {
        var stat = new byte[256];
        if (Libc.Stat(fullPath, stat) != 0)
        {
            var errno = Libc.LastErrno;
            if (errno is Errno.ENOENT or Errno.ENOTDIR) return null;
            throw new BpfException($"stat cgroup '{fullPath}'", errno);
        }
        // st_ino follows the 8-byte st_dev in the x86-64 and generic (arm64) struct stat.
        return BitConverter.ToUInt64(stat, 8);
    }

    /// <summary>Opens a cgroup directory (O_RDONLY | O_DIRECTORY) after validating its path.</summary>
    public static BpfFd Open(string path)
    {
        var full = Validate(path);
        int fd = Libc.Open(full, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0) throw new BpfException($"open cgroup '{full}'", Libc.LastErrno);
        return new BpfFd(fd);
    }
}
