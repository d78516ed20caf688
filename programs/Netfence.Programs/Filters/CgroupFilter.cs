using Netfence.Bpf.Sdk;
using Helpers = Netfence.Bpf.Sdk.Bpf;
using Netfence.Programs.Decisions;
using Netfence.Programs.Layout;

namespace Netfence.Programs.Filters;

/// <summary>
/// The filters of cgroup attachments: connect and unconnected sendmsg for both families (pitfalls 1 and 3), and
/// every egress packet (raw sockets, TCP Fast Open, established flows that lost their permission: pitfalls 2, 4).
/// </summary>
/// <remarks>
/// One copy of each program serves every cgroup attachment. A program finds its attachments by walking the
/// caller's cgroup ancestry from the root and looking each ancestor's id up in the attachment table; every
/// attachment found must allow (nested attachments compose as AND), and finding none denies. This keeps working
/// for cgroups created below an attachment after it was made (containers nest their own cgroups). See
/// programs/README.md for the measurement against one program per attachment with the id in .rodata, which
/// <see cref="FixedCgroupAttachment"/> still supports.
/// </remarks>
public static class CgroupFilter
{
    /// <summary>When non-zero, the one cgroup id this program copy serves (patched in .rodata at load).</summary>
    public static readonly ulong FixedCgroupAttachment = 0;

    private const int AncestorsOfTask = 0;
    private const int AncestorsOfPacket = 1;

    /// <summary>IPv4 connect() (TCP, connected UDP, ping sockets).</summary>
    [Program(Hook.CgroupConnect4)]
    public static int Connect4(SockAddr ctx) => DecideAddress4(ctx);

    /// <summary>IPv4 sendto()/sendmsg() with an address on an unconnected UDP socket.</summary>
    [Program(Hook.CgroupSendmsg4)]
    public static int Sendmsg4(SockAddr ctx) => DecideAddress4(ctx);

    /// <summary>IPv6 connect(), IPv4-mapped destinations included.</summary>
    [Program(Hook.CgroupConnect6)]
    public static int Connect6(SockAddr ctx) => DecideAddress6(ctx);

    /// <summary>IPv6 unconnected sends, IPv4-mapped destinations included.</summary>
    [Program(Hook.CgroupSendmsg6)]
    public static int Sendmsg6(SockAddr ctx) => DecideAddress6(ctx);

    /// <summary>Every packet leaving a socket of the cgroup; the packet starts at the IP header.</summary>
    [Program(Hook.CgroupSkbEgress)]
    public static int CgroupSkbEgress(SkBuff ctx)
    {
        ushort etherType = Net.Ntohs((ushort)ctx.Protocol);
        int packetClass = PacketParser.ParseNetwork(ctx, etherType, 0, out Destination destination);
        return Decide(ctx, AncestorsOfPacket, packetClass, destination) ? CgroupSkbVerdict.Allow : CgroupSkbVerdict.Drop;
    }

    private static int DecideAddress4(SockAddr ctx)
    {
        Destination destination = default;
        destination.Ip4 = ctx.UserIp4;
        destination.Protocol = (byte)ctx.Protocol;
        destination.Port = (ushort)ctx.UserPort;
        SkBuff none = default;
        return Decide(none, AncestorsOfTask, PacketClass.Ip, destination) ? SockAddrVerdict.Allow : SockAddrVerdict.Reject;
    }

    private static int DecideAddress6(SockAddr ctx)
    {
        Destination destination = default;
        destination.IsIpv6 = true;
        destination.Ip6Word0 = ctx.UserIp6(0);
        destination.Ip6Word1 = ctx.UserIp6(1);
        destination.Ip6Word2 = ctx.UserIp6(2);
        destination.Ip6Word3 = ctx.UserIp6(3);
        destination.Protocol = (byte)ctx.Protocol;
        destination.Port = (ushort)ctx.UserPort;
        SkBuff none = default;
        return Decide(none, AncestorsOfTask, PacketClass.Ip, destination) ? SockAddrVerdict.Allow : SockAddrVerdict.Reject;
    }

    // Applies every attachment on the caller's cgroup path; none found denies.
    private static bool Decide(SkBuff ctx, int ancestry, int packetClass, in Destination destination)
    {
        if (FixedCgroupAttachment != 0)
            return DecideFor(FixedCgroupAttachment, packetClass, destination) == Found.Allowed;

        bool any = false;
        for (int level = 0; level < DatapathLimits.MaxCgroupDepth; level++)
        {
            ulong id = ancestry == AncestorsOfPacket ? Helpers.SkbAncestorCgroupId(ctx, level) : Helpers.GetCurrentAncestorCgroupId(level);
            if (id == 0)
                break;
            int found = DecideFor(id, packetClass, destination);
            if (found == Found.Denied)
                return false;
            if (found == Found.Allowed)
                any = true;
        }

        return any;
    }

    private static int DecideFor(ulong cgroupId, int packetClass, in Destination destination)
    {
        AttachmentKey key = default;
        key.Kind = AttachmentKinds.Cgroup;
        key.Id = cgroupId;
        if (!Maps.Attachments.TryLookup(key, out AttachmentValue attachment))
            return Found.None;
        bool allowed = packetClass == PacketClass.Ip
            ? Policy.Allows(attachment, destination)
            : Policy.AllowsUnaddressed(attachment, packetClass);
        Policy.Count(attachment, allowed);
        return allowed ? Found.Allowed : Found.Denied;
    }

    private static class Found
    {
        public const int None = 0;
        public const int Allowed = 1;
        public const int Denied = 2;
    }
}
