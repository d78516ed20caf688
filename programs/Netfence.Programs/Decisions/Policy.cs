using Netfence.Bpf.Sdk;
using Netfence.Programs.Layout;

namespace Netfence.Programs.Decisions;

/// <summary>
/// The decision every hook shares: given an attachment's entry and a destination, allow or not. Order: another
/// attachment's DNS endpoint is denied, the own DNS endpoint allowed, then disabled allows, loopback passes where the
/// attachment allows it, block-all denies, and in allowlist and denylist mode the most specific active prefix
/// decides (deny wins on an equal prefix), else the mode's default. Unknown modes deny.
/// </summary>
[BpfCode]
public static class Policy
{
    /// <summary>The IPv4-mapped prefix's third word (0x0000ffff) in network order.</summary>
    private const uint MappedWord2 = 0xFFFF0000;

    /// <summary>True when the destination may be reached.</summary>
    /// <remarks>
    /// A global function: the cgroup programs call it once per ancestor level, and inlined there the verifier would
    /// walk the rule lookups once per level and path (well over its 1M-instruction budget); as a global function it
    /// is verified once. The C reference's policy_allows is global for the same reason.
    /// </remarks>
    [GlobalFunction]
    public static bool Allows(in AttachmentValue attachment, in Destination original)
    {
        Destination destination = original;
        Normalise(ref destination);

        bool hasPort = destination.Port != 0 && (destination.Protocol == IpProtocol.Tcp || destination.Protocol == IpProtocol.Udp);
        if (hasPort)
        {
            if (IsOwnDns(attachment, destination))
                return true;
            DnsEndpointKey endpoint = EndpointKey(destination);
            ref readonly uint owner = ref Maps.DnsEndpoints.Lookup(endpoint);
            if (!BpfMap.IsMissing(in owner) && owner != attachment.Index)
                return false;
        }

        uint mode = attachment.Mode;
        if (mode == PolicyModeValue.Disabled)
            return true;
        if ((attachment.Flags & AttachmentFlags.LoopbackAllowed) != 0 && IsLoopback(destination))
            return true;
        if (mode != PolicyModeValue.Allowlist && mode != PolicyModeValue.Denylist)
            return false;

        uint verdict = destination.IsIpv6
            ? Rules.Match6(attachment.RuleSet, destination)
            : Rules.Match4(attachment.RuleSet, destination.Ip4);
        if ((verdict & RuleFlags.Deny) != 0)
            return false;
        if ((verdict & RuleFlags.Allow) != 0)
            return true;
        return mode == PolicyModeValue.Denylist;
    }

    /// <summary>
    /// The decision for what parsing could not reduce to a destination: neighbour discovery passes, other ethertypes
    /// pass where no rule is needed to pass (disabled, denylist), malformed packets only in disabled mode.
    /// </summary>
    public static bool AllowsUnaddressed(in AttachmentValue attachment, int packetClass)
    {
        if (packetClass == PacketClass.Neighbour)
            return true;
        if (attachment.Mode == PolicyModeValue.Disabled)
            return true;
        return packetClass == PacketClass.OtherEthertype && attachment.Mode == PolicyModeValue.Denylist;
    }

    /// <summary>Counts a verdict in the attachment's per-CPU counters.</summary>
    public static void Count(in AttachmentValue attachment, bool allowed)
    {
        uint slot = attachment.Index * CounterSlots.PerAttachment + (allowed ? CounterSlots.Allowed : CounterSlots.Blocked);
        Maps.Counters.Increment(slot);
    }

    // An IPv4-mapped IPv6 destination is IPv4 traffic and is decided by IPv4 rules (pitfall 3).
    private static void Normalise(ref Destination destination)
    {
        if (destination.IsIpv6 && destination.Ip6Word0 == 0 && destination.Ip6Word1 == 0 && destination.Ip6Word2 == MappedWord2)
        {
            destination.IsIpv6 = false;
            destination.Ip4 = destination.Ip6Word3;
        }
    }

    private static bool IsOwnDns(in AttachmentValue attachment, in Destination destination)
    {
        if (destination.Port != attachment.DnsPort)
            return false;
        if (destination.IsIpv6)
        {
            return (attachment.Flags & AttachmentFlags.HasDns6) != 0
                   && destination.Ip6Word0 == attachment.DnsIp6Word0 && destination.Ip6Word1 == attachment.DnsIp6Word1
                   && destination.Ip6Word2 == attachment.DnsIp6Word2 && destination.Ip6Word3 == attachment.DnsIp6Word3;
        }

        return (attachment.Flags & AttachmentFlags.HasDns4) != 0 && destination.Ip4 == attachment.DnsIp4;
    }

    private static DnsEndpointKey EndpointKey(in Destination destination)
    {
        DnsEndpointKey key = default;
        key.Port = destination.Port;
        if (destination.IsIpv6)
        {
            key.Address0 = destination.Ip6Word0;
            key.Address1 = destination.Ip6Word1;
            key.Address2 = destination.Ip6Word2;
            key.Address3 = destination.Ip6Word3;
        }
        else
        {
            key.Address2 = MappedWord2;
            key.Address3 = destination.Ip4;
        }

        return key;
    }

    private static bool IsLoopback(in Destination destination)
    {
        if (!destination.IsIpv6)
            return (Net.Ntohl(destination.Ip4) >> 24) == 127;
        return destination.Ip6Word0 == 0 && destination.Ip6Word1 == 0 && destination.Ip6Word2 == 0 && destination.Ip6Word3 == Net.Htonl(1);
    }
}
