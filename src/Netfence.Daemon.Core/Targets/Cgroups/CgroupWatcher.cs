using Netfence.Bpf.Links;
using Netfence.Bpf.Syscalls;

namespace Netfence.Daemon.Targets.Cgroups;

/// <summary>
/// Notices watched cgroups being removed, with one inotify instance and one reader thread for all of them.
/// <para>
/// What cgroupfs delivers (verified on Linux 6.18): rmdir of a cgroup raises
/// IN_DELETE (with IN_ISDIR and the name) on a watch of its <em>parent</em> directory, whichever cgroup2 mount the
/// rmdir went through, since they share one superblock. A watch on the cgroup directory itself gets neither
/// IN_DELETE_SELF nor IN_IGNORED: kernfs never drops the removed inode's link count, which is what the VFS waits
/// for. So the parent is watched, one watch per distinct parent, shared by its watched children and removed with
/// the last of them. An event only says "a directory of that name went"; whether it was ours is decided by the
/// cgroup id (the inode number) now at the path: a cgroup recreated at the same path is another cgroup. cgroup v2
/// refuses renames, so a path cannot lose its cgroup in any other way.
/// </para>
/// <para>
/// IN_Q_OVERFLOW (the instance's queue is bounded by <c>fs.inotify.max_queued_events</c>) loses events, so every
/// watched cgroup is checked again. Events never carry more than a name, so a check is a stat of the path.
/// </para>
/// </summary>
internal sealed class CgroupWatcher : IDisposable
{
    const InotifyMask ParentMask = InotifyMask.Delete | InotifyMask.OnlyDirectory;
    const string MaxUserWatches = "/proc/sys/fs/inotify/max_user_watches";

    readonly Lock _lock = new();
    readonly CgroupParents _watched = new();
    readonly Inotify _inotify;
    readonly Action<TargetRemoved> _report;
    readonly ReaderLoop _reader;
    long _resyncs;

    public CgroupWatcher(Action<TargetRemoved> report, Action<Exception> fail)
    {
        _report = report;
        _inotify = Inotify.Open();
        try
        {
            _reader = new ReaderLoop("netfence cgroup watcher", _inotify.Fd, Drain, fail);
        }
        catch
        {
            _inotify.Dispose();
            throw;
        }
    }

    /// <summary>How many times a queue overflow made the watcher check every cgroup again.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>How many parent directories are watched (inotify watches in use).</summary>
    public int ParentWatches
    {
        get { lock (_lock) return _watched.WatchCount; }
    }

    public void Watch(WatchedTarget.Cgroup target)
    {
        CgroupPath.Split(target.Path);
        lock (_lock)
        {
            if (_watched.Contains(target)) return;
            Register(target, "the cgroup did not exist when watching began");
        }
    }

    public void Unwatch(WatchedTarget.Cgroup target)
    {
        lock (_lock) Forget(target);
    }

    // Under _lock. The watch goes on before the check, so a removal is either seen by the check or raises an event.
    void Register(WatchedTarget.Cgroup target, string reasonIfGone)
    {
        var parent = CgroupPath.Split(target.Path).Parent;
        int watch = _inotify.TryAddWatch(parent, ParentMask, out var errno);
        if (watch < 0)
        {
            if (errno is Errno.ENOENT or Errno.ENOTDIR)
            {
                _report(new TargetRemoved(target, $"{reasonIfGone}: its parent directory is gone"));
                return;
            }
            throw new BpfException($"inotify_add_watch('{parent}')", errno, errno == Errno.ENOSPC
                ? $"the inotify watch limit is reached (fs.inotify.max_user_watches = {File.ReadAllText(MaxUserWatches).Trim()}, shared by every process of the user; " +
                  $"this watcher holds {_watched.WatchCount}, one per distinct parent of the watched cgroups): raise it with sysctl"
                : null);
        }
        _watched.Add(watch, target);
        Check(target, reasonIfGone);
    }

    // Under _lock. Reports and forgets the target unless its path still holds the cgroup with its id.
    void Check(WatchedTarget.Cgroup target, string reason)
    {
        ulong? id;
        try
        {
            id = CgroupV2.TryId(target.Path);
        }
        catch
        {
            Forget(target);
            throw;
        }
        if (id == target.Id) return;
        Forget(target);
        _report(new TargetRemoved(target, id is null ? reason : $"{reason}; its path now holds another cgroup (id {id})"));
    }

    // Under _lock.
    void Forget(WatchedTarget.Cgroup target)
    {
        if (_watched.Remove(target, out int watch, out bool unused) && unused)
            _inotify.RemoveWatch(watch);
    }

    void Drain()
    {
        IReadOnlyList<InotifyEvent> events;
        while ((events = _inotify.Read()).Count > 0)
            lock (_lock)
                foreach (var e in events)
                    Handle(e);
    }

    // Under _lock.
    void Handle(InotifyEvent e)
    {
        if (e.Mask.HasFlag(InotifyMask.QueueOverflow))
        {
            Interlocked.Increment(ref _resyncs);
            foreach (var target in _watched.All())
                Check(target, "the inotify queue overflowed (IN_Q_OVERFLOW) and the cgroup is no longer there");
        }
        else if (e.Mask.HasFlag(InotifyMask.Ignored))
        {
            // Only the kernel's own drop (an unmount) finds targets here: a watch we removed was emptied first.
            foreach (var target in _watched.TakeWatch(e.Watch))
                Register(target, "the kernel dropped the watch on its parent directory (IN_IGNORED) and the cgroup is no longer there");
        }
        else if (e.Mask.HasFlag(InotifyMask.Delete) && e.Name is { } name)
        {
            foreach (var target in _watched.Named(e.Watch, name))
                Check(target, "rmdir (inotify IN_DELETE in its parent directory)");
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _inotify.Dispose();
    }
}
