namespace Netfence.Daemon.Targets.Cgroups;

/// <summary>
/// The watched cgroups grouped by the inotify watch on their parent directory, and within it by directory name,
/// which is what an IN_DELETE event names. A watch descriptor stands for the parent's inode, not its path: inotify
/// hands out the same descriptor for the same inode, and never reuses a removed one soon (they are allocated
/// cyclically). Not thread-safe: the owner locks.
/// </summary>
internal sealed class CgroupParents
{
    readonly Dictionary<int, Dictionary<string, List<WatchedTarget.Cgroup>>> _byWatch = [];
    readonly Dictionary<WatchedTarget.Cgroup, int> _watchOf = [];

    /// <summary>The number of watched cgroups.</summary>
    public int Count => _watchOf.Count;

    /// <summary>The number of parent directories watched for them.</summary>
    public int WatchCount => _byWatch.Count;

    public bool Contains(WatchedTarget.Cgroup target) => _watchOf.ContainsKey(target);

    /// <summary>Files a target under the watch on its parent directory.</summary>
    public void Add(int watch, WatchedTarget.Cgroup target)
    {
        if (_watchOf.ContainsKey(target)) throw new InvalidOperationException($"cgroup {target.Path} (id {target.Id}) is already filed");
        var name = CgroupPath.Split(target.Path).Name;
        if (!_byWatch.TryGetValue(watch, out var children)) _byWatch[watch] = children = new(StringComparer.Ordinal);
        if (!children.TryGetValue(name, out var list)) children[name] = list = [];
        list.Add(target);
        _watchOf[target] = watch;
    }

    /// <summary>
    /// Forgets a target. Returns false when it was not filed; otherwise its watch, and whether that watch now covers
    /// no cgroup (so it can be removed, and watches stay bounded by the parents that matter).
    /// </summary>
    public bool Remove(WatchedTarget.Cgroup target, out int watch, out bool watchUnused)
    {
        watchUnused = false;
        if (!_watchOf.Remove(target, out watch)) return false;
        var children = _byWatch[watch];
        var name = CgroupPath.Split(target.Path).Name;
        var list = children[name];
        list.Remove(target);
        if (list.Count == 0) children.Remove(name);
        if (children.Count == 0)
        {
            _byWatch.Remove(watch);
            watchUnused = true;
        }
        return true;
    }

    /// <summary>The targets called <paramref name="name"/> under a watch (a copy: callers forget some while iterating).</summary>
    public IReadOnlyList<WatchedTarget.Cgroup> Named(int watch, string name)
        => _byWatch.TryGetValue(watch, out var children) && children.TryGetValue(name, out var list) ? [.. list] : [];

    /// <summary>The kernel dropped a watch: every target under it, forgotten.</summary>
    public IReadOnlyList<WatchedTarget.Cgroup> TakeWatch(int watch)
    {
        if (!_byWatch.Remove(watch, out var children)) return [];
        var targets = children.Values.SelectMany(l => l).ToList();
        foreach (var target in targets) _watchOf.Remove(target);
        return targets;
    }

    /// <summary>Every watched target (a copy).</summary>
    public IReadOnlyList<WatchedTarget.Cgroup> All() => [.. _watchOf.Keys];
}
