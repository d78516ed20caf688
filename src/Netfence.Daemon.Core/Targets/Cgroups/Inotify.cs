using Netfence.Bpf.Syscalls;

namespace Netfence.Daemon.Targets.Cgroups;

/// <summary>
/// One inotify instance (non-blocking). One for every watched cgroup, not one per cgroup: instances are limited by
/// <c>fs.inotify.max_user_instances</c> (128 by default), watches by the much larger <c>fs.inotify.max_user_watches</c>.
/// </summary>
internal sealed unsafe class Inotify : IDisposable
{
    // Room for hundreds of events per read; a single event is at most 16 + NAME_MAX + 1 bytes.
    readonly byte[] _buffer = new byte[64 * 1024];

    Inotify(BpfFd fd) => Fd = fd;

    /// <summary>The instance, for waiting on readability; owned here.</summary>
    public BpfFd Fd { get; }

    public static Inotify Open()
    {
        int fd = Libc.InotifyInit1(Libc.IN_NONBLOCK | Libc.IN_CLOEXEC);
        if (fd < 0)
        {
            var errno = Libc.LastErrno;
            throw new BpfException("inotify_init1", errno, errno == Errno.EMFILE ? "fs.inotify.max_user_instances is reached (or the process's open file limit)" : null);
        }
        return new Inotify(new BpfFd(fd));
    }

    /// <summary>Adds (or updates) a watch on a path; the watch descriptor, or -1 with the errno.</summary>
    public int TryAddWatch(string path, InotifyMask mask, out Errno errno)
    {
        int wd = Libc.InotifyAddWatch(Fd.Value, path, (uint)mask);
        errno = wd < 0 ? Libc.LastErrno : Errno.None;
        return wd;
    }

    /// <summary>
    /// Removes a watch. EINVAL means the kernel already dropped it (its directory's filesystem went away), which is
    /// the state we want.
    /// </summary>
    public void RemoveWatch(int wd)
    {
        if (Libc.InotifyRmWatch(Fd.Value, wd) != 0 && Libc.LastErrno is var errno && errno != Errno.EINVAL)
            throw new BpfException("inotify_rm_watch", errno);
    }

    /// <summary>The events waiting, or an empty list when there are none (the read would block).</summary>
    public IReadOnlyList<InotifyEvent> Read()
    {
        fixed (byte* p = _buffer)
        {
            while (true)
            {
                nint n = Libc.Read(Fd.Value, p, _buffer.Length);
                if (n >= 0) return InotifyEvent.ParseAll(_buffer.AsSpan(0, (int)n));
                var errno = Libc.LastErrno;
                if (errno == Errno.EINTR) continue;
                if (errno == Errno.EAGAIN) return [];
                throw new BpfException("read(inotify)", errno);
            }
        }
    }

    public void Dispose() => Fd.Dispose();
}
