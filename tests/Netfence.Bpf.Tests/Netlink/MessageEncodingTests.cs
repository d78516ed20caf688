using Netfence.Bpf.Netlink;

namespace Netfence.Bpf.Tests.Netlink;

public class MessageEncodingTests
{
    static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace("\n", ""));

    [Fact]
    public void Attributes_are_padded_to_four_bytes_with_the_unpadded_length_in_the_header()
    {
        var bytes = new NetlinkMessageBuilder(NetlinkMessageType.GetLink, NetlinkFlags.Request)
            .Attribute(7, [0xAA])
            .Attribute(8, [0xBB, 0xCC, 0xDD, 0xEE])
            .Build(sequence: 0x01020304);

        Assert.Equal(Hex(
            "20000000 1200 0100 04030201 00000000" + // nlmsghdr: len 32, RTM_GETLINK, REQUEST, seq, pid
            "0500 0700 aa 000000" +                  // len 5, padded to 8
            "0800 0800 bbccddee"), bytes);
    }

    [Fact]
    public void Nested_attributes_carry_the_length_of_everything_inside_them()
    {
        var bytes = new NetlinkMessageBuilder(NetlinkMessageType.NewTfilter, NetlinkFlags.Request)
            .BeginNested(2)
            .AttributeString(7, "ab")
            .BeginNested(3).AttributeU32(1, 0x11223344).EndNested()
            .EndNested()
            .Build(sequence: 1);

        Assert.Equal(Hex(
            "28000000 2c00 0100 01000000 00000000" +
            "1800 0200" +                    // outer: 4 + 8 + 12 = 24
            "0700 0700 616200 00" +          // "ab\0", length 7, padded to 8
            "0c00 0300 0800 0100 44332211"), bytes);
    }

    [Fact]
    public void The_clsact_qdisc_request_matches_what_tc_sends()
    {
        var bytes = TcRequests.NewClsactQdisc(ifindex: 5).Build(sequence: 1);

        Assert.Equal(Hex(
            "30000000 2400 0506 01000000 00000000" + // len 48, RTM_NEWQDISC, REQUEST|ACK|EXCL|CREATE
            "00 00 0000 05000000 0000ffff f1ffffff 00000000" + // tcmsg: ifindex 5, handle ffff:0, parent clsact
            "0b00 0100 636c7361637400 00"), bytes);  // TCA_KIND "clsact"
    }

    [Fact]
    public void The_cls_bpf_filter_request_is_direct_action_with_our_priority_handle_fd_and_name()
    {
        var bytes = TcRequests.NewBpfFilter(ifindex: 3, parent: TrafficControl.ClsactIngressParent,
            priority: 1, handle: 1, programFd: 7, name: "nf").Build(sequence: 2);

        Assert.Equal(Hex(
            "48000000 2c00 0506 02000000 00000000" +         // len 72, RTM_NEWTFILTER, REQUEST|ACK|EXCL|CREATE
            "00 00 0000 03000000 01000000 f2ffffff 00030100" + // handle 1, parent ffff:fff2, prio 1 / ETH_P_ALL
            "0800 0100 62706600" +                            // TCA_KIND "bpf"
            "1c00 0200" +                                     // TCA_OPTIONS, 28 bytes
            "0800 0600 07000000" +                            // TCA_BPF_FD 7
            "0700 0700 6e6600 00" +                           // TCA_BPF_NAME "nf"
            "0800 0800 01000000"), bytes);                    // TCA_BPF_FLAGS ACT_DIRECT
    }

    [Fact]
    public void The_filter_delete_names_exactly_one_filter()
    {
        var bytes = TcRequests.DeleteBpfFilter(ifindex: 3, parent: TrafficControl.ClsactEgressParent, priority: 0x4e20, handle: 0x4e46).Build(sequence: 9);

        Assert.Equal(Hex(
            "2c000000 2d00 0500 09000000 00000000" +
            "00 00 0000 03000000 464e0000 f3ffffff 0003204e" +
            "0800 0100 62706600"), bytes);
    }

    [Fact]
    public void Filter_priority_and_handle_zero_are_rejected_because_the_kernel_would_pick_them()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TcRequests.NewBpfFilter(1, TrafficControl.ClsactIngressParent, 0, 1, 3, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => TcRequests.NewBpfFilter(1, TrafficControl.ClsactIngressParent, 1, 0, 3, "x"));
    }

    [Fact]
    public void An_interface_name_longer_than_the_kernel_allows_is_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => TcRequests.GetLinkByName("a-very-long-interface-name"));
        Assert.Contains("a-very-long-interface-name", e.Message);
    }

    [Fact]
    public void Unclosed_nests_are_an_error()
    {
        var builder = new NetlinkMessageBuilder(NetlinkMessageType.NewQdisc, NetlinkFlags.Request).BeginNested(2);
        Assert.Throws<InvalidOperationException>(() => builder.Build(1));
    }
}
