namespace Netfence.Daemon.Targets.Interfaces;

/// <summary>
/// The watched interfaces by ifindex, the one identity rtnetlink notifications carry. Taking an ifindex's targets
/// forgets them, which is what makes each removal reported once, and keeps a later device that gets the same ifindex
/// from reviving anything. Not thread-safe: the owner locks.
/// </summary>
internal sealed class WatchedInterfaces
{
    readonly Dictionary<int, List<WatchedTarget.Interface>> _byIndex = [];

    public int Count { get; private set; }

    /// <summary>Adds a target; false when it is already watched.</summary>
    public bool Add(WatchedTarget.Interface target)
    {
        if (!_byIndex.TryGetValue(target.Ifindex, out var list)) _byIndex[target.Ifindex] = list = [];
        if (list.Contains(target)) return false;
        list.Add(target);
        Count++;
        return true;
    }

    /// <summary>Forgets a target; false when it was not watched (or was already reported).</summary>
    public bool Remove(WatchedTarget.Interface target)
    {
        if (!_byIndex.TryGetValue(target.Ifindex, out var list) || !list.Remove(target)) return false;
        if (list.Count == 0) _byIndex.Remove(target.Ifindex);
        Count--;
        return true;
    }

    /// <summary>The targets on a device that left the namespace, forgotten as they are returned.</summary>
    public IReadOnlyList<WatchedTarget.Interface> Take(int ifindex)
    {
        if (!_byIndex.Remove(ifindex, out var list)) return [];
        Count -= list.Count;
        return list;
    }

    /// <summary>After a resynchronising dump: the targets whose ifindex the dump no longer lists, forgotten.</summary>
    public IReadOnlyList<WatchedTarget.Interface> TakeAbsent(IReadOnlySet<int> present)
    {
        var gone = new List<WatchedTarget.Interface>();
        foreach (var ifindex in _byIndex.Keys.Where(i => !present.Contains(i)).ToList())
            gone.AddRange(Take(ifindex));
        return gone;
    }
}
