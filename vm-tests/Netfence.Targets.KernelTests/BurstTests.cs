using Netfence.Daemon.Targets;
using Netfence.KernelTesting;
using Netfence.Sandbox;
using static Netfence.Targets.KernelTests.RemovalReader;

namespace Netfence.Targets.KernelTests;

/// <summary>
/// A thousand devices deleted in one request (<c>ip link del group</c>: one rtnl transaction, so the notifications
/// come as fast as the kernel can make them) and a thousand cgroups removed at the same time.
/// </summary>
public class BurstTests
{
    const int Count = 1000;
    const uint Group = 4242;
    static readonly TimeSpan BurstTimeout = TimeSpan.FromSeconds(60);

    [KernelFact]
    public async Task A_thousand_veth_deletions_and_a_thousand_cgroup_removals_are_each_reported_once()
    {
        using var ns = new WatchedNamespace();
        using var tree = new CgroupTree();
        await using var watcher = new TargetWatcher(new() { NetworkNamespacePath = ns.Path });
        var veths = CreateVeths(ns);
        var cgroups = Enumerable.Range(0, Count).Select(i => tree.Create($"w{i}")).ToList();
        foreach (var target in veths.Concat<WatchedTarget>(cgroups)) watcher.Watch(target);
        Assert.Equal(1, watcher.CgroupParentWatches);

        var removeCgroups = Task.Run(() => cgroups.ForEach(CgroupTree.Remove));
        DeleteGroup(ns);
        await removeCgroups;

        var removals = await Take(watcher, 2 * Count, BurstTimeout);
        AssertEachOnce(veths.Concat<WatchedTarget>(cgroups), removals);
        await AssertNothingMore(ns, tree, watcher);
    }

    [KernelFact]
    public async Task An_overrun_notification_socket_resynchronises_and_still_reports_each_deletion_once()
    {
        using var ns = new WatchedNamespace();
        using var tree = new CgroupTree();
        var veths = CreateVeths(ns);
        // The smallest buffer the kernel grants (a few KiB) holds a notification or two.
        await using var watcher = new TargetWatcher(new() { NetworkNamespacePath = ns.Path, LinkNotificationBufferBytes = 1 });
        foreach (var veth in veths) watcher.Watch(veth);

        // With the reader held, the burst overruns the socket for certain; the reader resumes when it is over.
        using (watcher.HoldInterfaceReader()) DeleteGroup(ns);

        var removals = await Take(watcher, Count, BurstTimeout);
        AssertEachOnce(veths, removals);
        Assert.True(watcher.InterfaceResyncs > 0, $"the {watcher.LinkNotificationBufferBytes}-byte socket never overran, so the resync went untested");
        Assert.Contains(removals, r => r.Reason.Contains("ENOBUFS"));
        await AssertNothingMore(ns, tree, watcher);
    }

    static List<WatchedTarget.Interface> CreateVeths(WatchedNamespace ns)
    {
        var stem = UniqueName.Next();
        var names = Enumerable.Range(0, Count).Select(i => $"{stem}{i:x3}").ToList();
        ns.Batch(names.Select(n => $"link add {n} group {Group} type veth peer name {n}p"));
        var links = ns.Links();
        return names.Select(n => new WatchedTarget.Interface(links[n], n)).ToList();
    }

    static void DeleteGroup(WatchedNamespace ns) => Command.Run("ip", "-n", ns.Namespace.Name, "link", "del", "group", Group.ToString());

    static void AssertEachOnce(IEnumerable<WatchedTarget> expected, List<TargetRemoved> removals)
    {
        var reported = removals.Select(r => r.Target).ToList();
        var duplicates = reported.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"reported more than once: {string.Join(", ", duplicates.Take(5))}");
        var missing = expected.Except(reported).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} never reported (within {BurstTimeout.TotalSeconds:0} s), e.g. {string.Join(", ", missing.Take(5))}");
        Assert.Equal(expected.Count(), reported.Count);
    }

    // A late duplicate would arrive before the sentinels' reports.
    static async Task AssertNothingMore(WatchedNamespace ns, CgroupTree tree, TargetWatcher watcher)
    {
        var veth = ns.AddVeth();
        watcher.Watch(veth);
        ns.Delete(veth);
        await AssertOnlySentinelReported(watcher, veth);
        var cgroup = tree.Create("sentinel");
        watcher.Watch(cgroup);
        CgroupTree.Remove(cgroup);
        await AssertOnlySentinelReported(watcher, cgroup);
    }
}
