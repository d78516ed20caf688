using Netfence.Sandbox;
using Netfence.Bpf.Netlink;
using Netfence.Bpf.Syscalls;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Links;

public class NetlinkSocketTests
{
    [KernelFact]
    public void Interfaces_are_resolved_inside_the_given_namespace()
    {
        using var ns = new SandboxNamespace();
        using var socket = NetlinkSocket.Open(ns.Path);
        Assert.Equal(1, socket.GetInterfaceIndex("lo"));
        var e = Assert.Throws<ArgumentException>(() => socket.GetInterfaceIndex("nftnothere"));
        Assert.Contains("no network interface named 'nftnothere'", e.Message);
    }

    [KernelFact]
    public void A_kernel_error_names_the_request_the_errno_and_the_extended_ack_text()
    {
        using var ns = new SandboxNamespace();
        using var socket = NetlinkSocket.Open(ns.Path);
        // No clsact qdisc on lo: the kernel refuses the filter and says why.
        var e = Assert.Throws<NetlinkException>(() => socket.Request(
            TcRequests.NewBpfFilter(1, TrafficControl.ClsactIngressParent, 1, 1, programFd: 0, name: "nft")));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Equal("RTM_NEWTFILTER", e.Operation);
        Assert.False(string.IsNullOrEmpty(e.ExtendedAck));
        Assert.Contains(e.ExtendedAck!, e.Message);
    }

    [KernelFact]
    public void Dumps_list_qdiscs_and_filters_that_tc_made()
    {
        using var ns = new SandboxNamespace();
        ns.Run("tc", "qdisc", "add", "dev", "lo", "clsact");
        ns.Run("tc", "filter", "add", "dev", "lo", "egress", "prio", "5", "handle", "3", "bpf", "bytecode", "1,6 0 0 0,");
        using var socket = NetlinkSocket.Open(ns.Path);

        Assert.Contains(socket.ListQdiscs(1), q => q.Kind == "clsact" && q.Parent == TrafficControl.ClsactParent);
        var filter = Assert.Single(socket.ListFilters(1, TrafficControl.ClsactEgressParent));
        Assert.Equal(("bpf", (ushort)5, 3u), (filter.Kind, filter.Priority, filter.Handle));
        Assert.Empty(socket.ListFilters(1, TrafficControl.ClsactIngressParent));
    }
}
