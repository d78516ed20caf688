namespace Netfence.Bpf.Netlink;

/// <summary>The <c>nlmsg_flags</c> bits of a netlink message header.</summary>
[Flags]
public enum NetlinkFlags : ushort
{
    None = 0,
    Request = 0x1,
    Multi = 0x2,
    Ack = 0x4,
    Echo = 0x8,
    /// <summary>The dump was interrupted by a change; its result is inconsistent and must be redone.</summary>
    DumpInterrupted = 0x10,

    // GET requests.
    Root = 0x100,
    Match = 0x200,
    Dump = Root | Match,

    // NEW requests (same bits as the GET ones, read differently by the kernel).
    Replace = 0x100,
    Exclusive = 0x200,
    Create = 0x400,
    Append = 0x800,

    // NLMSG_ERROR replies (same bits again).
    /// <summary>The error reply omits the original payload (NETLINK_CAP_ACK).</summary>
    Capped = 0x100,
    /// <summary>The error reply carries extended-ack attributes after the original message.</summary>
    AckTlvs = 0x200,
}
