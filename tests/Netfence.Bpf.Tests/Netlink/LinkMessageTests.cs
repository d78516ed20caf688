using Netfence.Bpf.Netlink;

namespace Netfence.Bpf.Tests.Netlink;

public class LinkMessageTests
{
    static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    // ifinfomsg: family, pad, type ARPHRD_ETHER, ifindex 7, flags 0, change 0xffffffff.
    const string Header7 = "00 00 0100 07000000 00000000 ffffffff";
    const string NameVeth0 = "0a00 0300 766574683000 0000"; // IFLA_IFNAME "veth0"

    static NetlinkMessage Single(string hex) => Assert.Single(NetlinkMessage.ParseAll(Hex(hex)));

    [Fact]
    public void A_deleted_device_left_the_namespace_and_did_not_move()
    {
        var link = LinkMessage.TryRead(Single("2c000000 1100 0000 00000000 00000000" + Header7 + NameVeth0));

        Assert.NotNull(link);
        Assert.Equal(NetlinkMessageType.DelLink, link.Type);
        Assert.Equal(7, link.Index);
        Assert.Equal("veth0", link.Name);
        Assert.True(link.LeftNamespace);
        Assert.False(link.MovedToOtherNamespace);
    }

    [Fact]
    public void A_device_moved_to_another_namespace_carries_the_new_netns_id_and_ifindex()
    {
        var link = LinkMessage.TryRead(Single("3c000000 1100 0000 00000000 00000000" + Header7 + NameVeth0 +
            "0800 2d00 03000000" +   // IFLA_NEW_NETNSID 3
            "0800 3100 0b000000"));  // IFLA_NEW_IFINDEX 11

        Assert.NotNull(link);
        Assert.True(link.LeftNamespace);
        Assert.True(link.MovedToOtherNamespace);
        Assert.Equal(3, link.NewNetnsId);
        Assert.Equal(11, link.NewIndex);
    }

    [Fact]
    public void A_bridge_port_deletion_is_not_the_device_leaving()
    {
        // AF_BRIDGE (7): the device stopped being a bridge port and still exists.
        var link = LinkMessage.TryRead(Single("2c000000 1100 0000 00000000 00000000" + "07 00 0100 07000000 00000000 00000000" + NameVeth0));

        Assert.NotNull(link);
        Assert.False(link.LeftNamespace);
    }

    [Fact]
    public void A_new_link_is_not_a_departure_and_other_types_are_not_link_messages()
    {
        var link = LinkMessage.TryRead(Single("2c000000 1000 0000 00000000 00000000" + Header7 + NameVeth0));
        Assert.NotNull(link);
        Assert.False(link.LeftNamespace);

        Assert.Null(LinkMessage.TryRead(Single("24000000 2400 0000 00000000 00000000" + "00000000 07000000 00000000 00000000 00000000")));
    }

    [Fact]
    public void A_truncated_link_header_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => LinkMessage.TryRead(Single("18000000 1100 0000 00000000 00000000 00000000 07000000")));
    }

    [Fact]
    public void Get_by_index_names_the_ifindex_in_the_header_and_asks_for_no_counters()
    {
        Assert.Equal(Hex(
            "28000000 1200 0500 09000000 00000000" + // RTM_GETLINK, REQUEST|ACK, seq 9
            "00 00 0000 2a000000 00000000 00000000" + // ifindex 42
            "0800 1d00 08000000"),                    // IFLA_EXT_MASK RTEXT_FILTER_SKIP_STATS
            LinkRequests.GetLinkByIndex(42).Build(sequence: 9));
    }

    [Fact]
    public void The_link_dump_is_a_root_match_request_for_every_device()
    {
        Assert.Equal(Hex(
            "28000000 1200 0103 01000000 00000000" + // REQUEST|ROOT|MATCH
            "00 00 0000 00000000 00000000 00000000" +
            "0800 1d00 08000000"),
            LinkRequests.DumpLinks().Build(sequence: 1));
    }
}
