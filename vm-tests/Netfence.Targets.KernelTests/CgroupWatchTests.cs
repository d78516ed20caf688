using Netfence.Daemon.Targets;
using Netfence.KernelTesting;
using Netfence.Sandbox;
using static Netfence.Targets.KernelTests.RemovalReader;

namespace Netfence.Targets.KernelTests;

public class CgroupWatchTests
{
    [KernelFact]
    public async Task A_removed_cgroup_is_reported_once()
    {
        using var tree = new CgroupTree();
        await using var watcher = new TargetWatcher();
        var cgroup = tree.Create("workload");
        var sentinel = tree.Create("sentinel");
        watcher.Watch(cgroup);
        watcher.Watch(sentinel);

        CgroupTree.Remove(cgroup);

        var removal = await Next(watcher, $"{cgroup.Path} to be reported");
        Assert.Equal(cgroup, removal.Target);
        Assert.Contains("IN_DELETE", removal.Reason);
        CgroupTree.Remove(sentinel);
        await AssertOnlySentinelReported(watcher, sentinel);
    }

    [KernelFact]
    public async Task A_cgroup_recreated_at_the_same_path_is_another_cgroup()
    {
        using var tree = new CgroupTree();
        await using var watcher = new TargetWatcher();
        var old = tree.Create("workload");
        var sentinel = tree.Create("sentinel");
        watcher.Watch(old);
        watcher.Watch(sentinel);

        CgroupTree.Remove(old);
        Assert.Equal(old, (await Next(watcher, "the old cgroup to be reported")).Target);
        var recreated = tree.Create("workload");
        Assert.Equal(old.Path, recreated.Path);
        Assert.NotEqual(old.Id, recreated.Id);

        // The new one is watched and alive; the old one, watched again by its id, is gone at once.
        watcher.Watch(recreated);
        watcher.Watch(old);
        var again = await Next(watcher, "the old cgroup, watched again, to be reported");
        Assert.Equal(old, again.Target);
        Assert.Contains($"another cgroup (id {recreated.Id})", again.Reason);

        CgroupTree.Remove(sentinel);
        await AssertOnlySentinelReported(watcher, sentinel);

        CgroupTree.Remove(recreated);
        Assert.Equal(recreated, (await Next(watcher, "the recreated cgroup to be reported")).Target);
    }

    [KernelFact]
    public async Task An_unwatched_cgroup_is_not_reported_and_its_parent_watch_is_released()
    {
        using var tree = new CgroupTree();
        using var otherTree = new CgroupTree();
        await using var watcher = new TargetWatcher();
        var cgroup = tree.Create("workload");
        var sibling = tree.Create("sibling");
        var sentinel = otherTree.Create("sentinel");
        watcher.Watch(cgroup);
        watcher.Watch(sibling);
        watcher.Watch(sentinel);
        Assert.Equal(2, watcher.CgroupParentWatches);

        watcher.Unwatch(cgroup);
        watcher.Unwatch(sibling);
        Assert.Equal(1, watcher.CgroupParentWatches);
        CgroupTree.Remove(cgroup);
        CgroupTree.Remove(sentinel);

        await AssertOnlySentinelReported(watcher, sentinel);
        Assert.Equal(0, watcher.CgroupParentWatches);
    }

    [KernelFact]
    public async Task Watching_a_missing_cgroup_reports_it_at_once()
    {
        using var tree = new CgroupTree();
        await using var watcher = new TargetWatcher();
        var gone = tree.Create("workload");
        CgroupTree.Remove(gone);
        var orphan = new WatchedTarget.Cgroup(gone.Id, Path.Combine(tree.Path, UniqueName.Next(), "child"));

        watcher.Watch(gone);
        watcher.Watch(orphan);

        var first = await Next(watcher, "the removed cgroup to be reported");
        var second = await Next(watcher, "the cgroup under a missing parent to be reported");
        Assert.Equal(gone, first.Target);
        Assert.Contains("did not exist when watching began", first.Reason);
        Assert.Equal(orphan, second.Target);
        Assert.Contains("parent directory is gone", second.Reason);
        Assert.Equal(0, watcher.CgroupParentWatches);
    }
}
