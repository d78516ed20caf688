using Netfence.Daemon.Targets;
using Netfence.KernelTesting;
using Netfence.Sandbox;
using static Netfence.Targets.KernelTests.RemovalReader;

namespace Netfence.Targets.KernelTests;

public class InterfaceWatchTests
{
    [KernelFact]
    public async Task A_deleted_veth_is_reported_once()
    {
        using var ns = new WatchedNamespace();
        await using var watcher = new TargetWatcher(new() { NetworkNamespacePath = ns.Path });
        var veth = ns.AddVeth();
        var sentinel = ns.AddVeth();
        watcher.Watch(veth);
        watcher.Watch(sentinel);

        ns.Delete(veth);

        var removal = await Next(watcher, $"{veth.Name} to be reported");
        Assert.Equal(veth, removal.Target);
        Assert.Contains("RTM_DELLINK: the device was deleted", removal.Reason);
        ns.Delete(sentinel);
        await AssertOnlySentinelReported(watcher, sentinel);
    }

    [KernelFact]
    public async Task A_veth_moved_to_another_namespace_is_reported_as_gone_from_ours()
    {
        using var ns = new WatchedNamespace();
        using var elsewhere = new SandboxNamespace();
        await using var watcher = new TargetWatcher(new() { NetworkNamespacePath = ns.Path });
        var veth = ns.AddVeth();
        watcher.Watch(veth);

        Command.Run("ip", "-n", ns.Namespace.Name, "link", "set", veth.Name, "netns", elsewhere.Name);

        var removal = await Next(watcher, $"{veth.Name} to be reported after moving");
        Assert.Equal(veth, removal.Target);
        Assert.Contains("moved to another network namespace", removal.Reason);
    }

    [KernelFact]
    public async Task An_unwatched_veth_is_not_reported()
    {
        using var ns = new WatchedNamespace();
        await using var watcher = new TargetWatcher(new() { NetworkNamespacePath = ns.Path });
        var veth = ns.AddVeth();
        var sentinel = ns.AddVeth();
        watcher.Watch(veth);
        watcher.Watch(sentinel);

        watcher.Unwatch(veth);
        ns.Delete(veth);
        ns.Delete(sentinel);

        await AssertOnlySentinelReported(watcher, sentinel);
    }

    [KernelFact]
    public async Task Watching_an_ifindex_with_no_device_reports_it_at_once()
    {
        using var ns = new WatchedNamespace();
        await using var watcher = new TargetWatcher(new() { NetworkNamespacePath = ns.Path });
        var veth = ns.AddVeth();
        ns.Delete(veth);

        watcher.Watch(veth);

        var removal = await Next(watcher, $"the missing {veth.Name} to be reported");
        Assert.Equal(veth, removal.Target);
        Assert.Contains("when watching began", removal.Reason);
    }

    [KernelFact]
    public async Task A_new_device_given_a_reported_ifindex_revives_nothing()
    {
        using var ns = new WatchedNamespace();
        await using var watcher = new TargetWatcher(new() { NetworkNamespacePath = ns.Path });
        var veth = ns.AddVeth();
        var sentinel = ns.AddVeth();
        watcher.Watch(veth);
        watcher.Watch(sentinel);
        ns.Delete(veth);
        Assert.Equal(veth, (await Next(watcher, $"{veth.Name} to be reported")).Target);

        // The kernel hands out ifindexes cyclically; a device can still ask for a free one explicitly.
        var successor = UniqueName.Next();
        Command.Run("ip", "-n", ns.Namespace.Name, "link", "add", successor, "index", veth.Ifindex.ToString(), "type", "veth", "peer", "name", successor + "p");
        Assert.Equal(veth.Ifindex, ns.Target(successor).Ifindex);
        Command.Run("ip", "-n", ns.Namespace.Name, "link", "del", successor);
        ns.Delete(sentinel);

        await AssertOnlySentinelReported(watcher, sentinel);
    }

    [KernelFact]
    public async Task A_port_leaving_its_bridge_is_not_a_removal()
    {
        // The bridge says so with an RTM_DELLINK of family AF_BRIDGE about a device that still exists (a VM's tap
        // taken off its bridge must keep its attachment).
        using var ns = new WatchedNamespace();
        await using var watcher = new TargetWatcher(new() { NetworkNamespacePath = ns.Path });
        var bridge = UniqueName.Next();
        Command.Run("ip", "-n", ns.Namespace.Name, "link", "add", bridge, "type", "bridge");
        var port = ns.AddVeth();
        var sentinel = ns.AddVeth();
        Command.Run("ip", "-n", ns.Namespace.Name, "link", "set", port.Name, "master", bridge);
        watcher.Watch(port);
        watcher.Watch(sentinel);

        Command.Run("ip", "-n", ns.Namespace.Name, "link", "set", port.Name, "nomaster");
        ns.Delete(sentinel);

        await AssertOnlySentinelReported(watcher, sentinel);
        Assert.Equal(port.Ifindex, ns.Target(port.Name).Ifindex);
    }
}
