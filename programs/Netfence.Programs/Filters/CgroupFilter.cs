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
        return DecidePacket(ctx, packetClass, destination) ? CgroupSkbVerdict.Allow : CgroupSkbVerdict.Drop;
    }

    private static int DecideAddress4(SockAddr ctx)
    {
        Destination destination = default;
        destination.Ip4 = ctx.UserIp4;
        destination.Protocol = (byte)ctx.Protocol;
        destination.Port = (ushort)ctx.UserPort;
        return DecideTask(destination) ? SockAddrVerdict.Allow : SockAddrVerdict.Reject;
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
        return DecideTask(destination) ? SockAddrVerdict.Allow : SockAddrVerdict.Reject;
    }

    // The two walks differ only in whose ancestry they read: the calling task's (sock_addr hooks run in the caller's
    // context) or the cgroup of the packet's socket (cgroup_skb may run in softirq, where "current" is unrelated).
    // Every attachment on the path must allow; none found denies.
    private static bool DecideTask(in Destination destination)
    {
        if (FixedCgroupAttachment != 0)
            return DecideFor(FixedCgroupAttachment, PacketClass.Ip, destination) == Found.Allowed;

        int verdict = Found.None;
        for (int level = 0; level < DatapathLimits.MaxCgroupDepth; level++)
        {
            ulong id = Helpers.GetCurrentAncestorCgroupId(level);
            if (id == 0 || !Accumulate(ref verdict, DecideFor(id, PacketClass.Ip, destination)))
                break;
        }

        return verdict == Found.Allowed;
    }

    private static bool DecidePacket(SkBuff ctx, int packetClass, in Destination destination)
    {
        if (FixedCgroupAttachment != 0)
            return DecideFor(FixedCgroupAttachment, packetClass, destination) == Found.Allowed;

        int verdict = Found.None;
        for (int level = 0; level < DatapathLimits.MaxCgroupDepth; level++)
        {
            ulong id = Helpers.SkbAncestorCgroupId(ctx, level);
            if (id == 0 || !Accumulate(ref verdict, DecideFor(id, packetClass, destination)))
                break;
        }

        return verdict == Found.Allowed;
    }

    // Folds one level's finding into the walk's verdict; false when a denial ends the walk.
    private static bool Accumulate(ref int verdict, int found)
    {
        if (found == Found.Denied)
        {
            verdict = Found.Denied;
            return false;
        }

        if (found == Found.Allowed)
            verdict = Found.Allowed;
        return true;
    }

    private static int DecideFor(ulong cgroupId, int packetClass, in Destination destination)
    {
        AttachmentKey key = default;
        key.Kind = AttachmentKinds.Cgroup;
        key.Id = cgroupId;
        ref readonly AttachmentValue attachment = ref Maps.Attachments.Lookup(key);
        if (BpfMap.IsMissing(in attachment))
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
