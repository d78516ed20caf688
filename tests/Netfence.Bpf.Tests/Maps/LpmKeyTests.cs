using System.Net;
using System.Net.Sockets;
using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Tests.Maps;

public class LpmKeyTests
{
    [Fact]
    public void Ipv4_key_is_prefix_length_then_address_in_network_order()
    {
        Assert.Equal(8, LpmKeyLayout.IPv4.KeySize);
        Assert.Equal(new byte[] { 8, 0, 0, 0, 10, 0, 0, 0 }, LpmKeyLayout.IPv4.Key("10.0.0.0/8"));
        Assert.Equal(new byte[] { 24, 0, 0, 0, 192, 168, 1, 0 }, LpmKeyLayout.IPv4.Key(IPNetwork.Parse("192.168.1.0/24")));
        Assert.Equal(new byte[] { 32, 0, 0, 0, 192, 0, 2, 7 }, LpmKeyLayout.IPv4.Key(IPAddress.Parse("192.0.2.7")));
    }

    [Fact]
    public void Ipv6_key_is_twenty_bytes()
    {
        var key = LpmKeyLayout.IPv6.Key("2001:db8::/32");
        Assert.Equal(20, LpmKeyLayout.IPv6.KeySize);
        Assert.Equal(new byte[] { 32, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, key);
        Assert.Equal(IPNetwork.Parse("2001:db8::/32"), LpmKeyLayout.IPv6.Decode(key));
    }

    [Fact]
    public void Mapped_network_stays_mapped_in_an_ipv6_layout()
    {
        var key = LpmKeyLayout.IPv6.Key("::ffff:10.0.0.0/104");
        Assert.Equal(104, BitConverter.ToInt32(key, 0));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 0 }, key[4..]);
    }

    [Fact]
    public void Mapped_network_becomes_ipv4_in_an_ipv4_layout()
    {
        Assert.Equal(LpmKeyLayout.IPv4.Key("10.0.0.0/8"), LpmKeyLayout.IPv4.Key("::ffff:10.0.0.0/104"));
        Assert.Equal(LpmKeyLayout.IPv4.Key("0.0.0.0/0"), LpmKeyLayout.IPv4.Key("::ffff:0:0/96"));
        Assert.Equal(LpmKeyLayout.IPv4.Key(IPAddress.Parse("10.1.2.3")), LpmKeyLayout.IPv4.Key(IPAddress.Parse("::ffff:10.1.2.3")));
    }

    [Fact]
    public void Wrong_family_is_refused_with_the_way_out()
    {
        var v6 = Assert.Throws<ArgumentException>(() => LpmKeyLayout.IPv4.Key("2001:db8::/32"));
        Assert.Contains("2001:db8::/32 is an IPv6 network and this LPM trie holds IPv4 keys", v6.Message);
        // A mapped network shorter than /96 cannot be canonical (it would have host bits), so
        // the shortest one that reaches the mapped range, ::/80, is plain IPv6.
        Assert.Contains("::/80 is an IPv6 network", Assert.Throws<ArgumentException>(() => LpmKeyLayout.IPv4.Key("::/80")).Message);
        var v4 = Assert.Throws<ArgumentException>(() => LpmKeyLayout.IPv6.Key("10.0.0.0/8"));
        Assert.Contains("write it IPv4-mapped as ::ffff:10.0.0.0/104", v4.Message);
    }

    [Fact]
    public void Fixed_prefix_counts_in_the_prefix_length_and_sits_before_the_address()
    {
        var layout = LpmKeyLayout.WithPrefix<uint>(AddressFamily.InterNetwork);
        Assert.Equal(4, layout.FixedBytes);
        Assert.Equal(12, layout.KeySize);
        var key = layout.Key(0x01020304u, "10.0.0.0/8");
        Assert.Equal(32 + 8, BitConverter.ToInt32(key, 0));
        // The rule-set id is in memory order, as a program storing the u32 into its key writes it.
        Assert.Equal(BitConverter.GetBytes(0x01020304u), key[4..8]);
        Assert.Equal(new byte[] { 10, 0, 0, 0 }, key[8..]);
        Assert.Equal((0x01020304u, IPNetwork.Parse("10.0.0.0/8")), layout.Decode(key));
    }

    [Fact]
    public void Fixed_prefix_with_ipv6_and_zero_length_network_still_matches_the_whole_prefix()
    {
        var layout = LpmKeyLayout.WithPrefix<uint>(AddressFamily.InterNetworkV6);
        var key = layout.Key(7u, "::/0");
        Assert.Equal(24, key.Length);
        Assert.Equal(32, BitConverter.ToInt32(key, 0));
        Assert.Equal(32 + 128, BitConverter.ToInt32(layout.Key(7u, IPAddress.Parse("2001:db8::1")), 0));
    }

    [Fact]
    public void Malformed_cidr_text_surfaces_the_parser_message()
    {
        var e = Assert.Throws<FormatException>(() => LpmKeyLayout.IPv4.Key("10.0.0.1/8"));
        Assert.Contains("invalid CIDR '10.0.0.1/8': host bits are set", e.Message);
    }

    [Fact]
    public void Decode_rejects_foreign_keys()
    {
        Assert.Throws<ArgumentException>(() => LpmKeyLayout.IPv4.Decode(new byte[7]));
        Assert.Contains("prefix length 40", Assert.Throws<ArgumentException>(() => LpmKeyLayout.IPv4.Decode(new byte[] { 40, 0, 0, 0, 1, 2, 3, 4 })).Message);
    }

    [Fact]
    public void Trie_spec_takes_the_layout_key_size_and_no_prealloc()
    {
        var spec = MapSpec.LpmTrie("nft_rules", LpmKeyLayout.WithPrefix<uint>(AddressFamily.InterNetworkV6), 4, 1024);
        Assert.Equal(24u, spec.KeySize);
        Assert.Equal(MapFlags.NoPrealloc, spec.Flags);
        spec.Validate();
    }
}
