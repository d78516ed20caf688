using System.Net;
using Netfence.Bpf.Sdk;
using Netfence.Programs;
using Netfence.Programs.Layout;

namespace Netfence.Programs.Tests;

/// <summary>
/// Writes attachments and rules straight into the programs' managed maps. The maps are static and shared by all
/// tests, so every test takes fresh attachment indices (and with them fresh rule sets and counters).
/// </summary>
internal static class Policies
{
    private static int s_next = 100;

    public static uint NewIndex() => (uint)Interlocked.Increment(ref s_next);

    public static AttachmentValue Attach(uint kind, ulong id, uint mode, uint flags = 0, uint? index = null)
    {
        var i = index ?? NewIndex();
        var value = new AttachmentValue { Mode = mode, RuleSet = RuleSetIds.For(i, false), Flags = flags, Index = i };
        Maps.Attachments.Update(new AttachmentKey { Kind = kind, Id = id }, value);
        return value;
    }

    public static void Rule(in AttachmentValue a, string cidr, uint flags, ulong allowExpires = 0, ulong denyExpires = 0)
    {
        var network = IPNetwork.Parse(cidr);
        var bytes = network.BaseAddress.GetAddressBytes();
        uint prefix = 32 + (uint)network.PrefixLength;
        var value = new RuleValue { Flags = flags, PrefixLength = prefix, AllowExpiresNs = allowExpires, DenyExpiresNs = denyExpires };
        if (bytes.Length == 4)
            Maps.Rules4.Update(new Rule4Key { PrefixLength = prefix, RuleSet = a.RuleSet, Address = BitConverter.ToUInt32(bytes) }, value);
        else
            Maps.Rules6.Update(new Rule6Key
            {
                PrefixLength = prefix, RuleSet = a.RuleSet,
                Address0 = BitConverter.ToUInt32(bytes, 0), Address1 = BitConverter.ToUInt32(bytes, 4),
                Address2 = BitConverter.ToUInt32(bytes, 8), Address3 = BitConverter.ToUInt32(bytes, 12),
            }, value);
    }

    public static AttachmentValue WithDns(AttachmentValue a, uint kind, ulong id, string ip4, ushort port)
    {
        a.Flags |= AttachmentFlags.HasDns4;
        a.DnsIp4 = BitConverter.ToUInt32(IPAddress.Parse(ip4).GetAddressBytes());
        a.DnsPort = Net.Htons(port);
        Maps.Attachments.Update(new AttachmentKey { Kind = kind, Id = id }, a);
        var mapped = IPAddress.Parse(ip4).MapToIPv6().GetAddressBytes();
        Maps.DnsEndpoints.Update(new DnsEndpointKey
        {
            Address0 = BitConverter.ToUInt32(mapped, 0), Address1 = BitConverter.ToUInt32(mapped, 4),
            Address2 = BitConverter.ToUInt32(mapped, 8), Address3 = BitConverter.ToUInt32(mapped, 12), Port = Net.Htons(port),
        }, a.Index);
        return a;
    }

    public static (ulong Allowed, ulong Blocked) Counters(in AttachmentValue a) =>
        (Maps.Counters.ReadAllCpus(a.Index * 2).Aggregate(0UL, (s, v) => s + v),
         Maps.Counters.ReadAllCpus(a.Index * 2 + 1).Aggregate(0UL, (s, v) => s + v));
}
