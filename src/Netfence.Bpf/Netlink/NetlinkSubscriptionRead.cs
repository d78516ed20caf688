namespace Netfence.Bpf.Netlink;

/// <summary>What one non-blocking read of a <see cref="NetlinkSubscription"/> found.</summary>
public enum NetlinkSubscriptionRead
{
    /// <summary>No notification is waiting.</summary>
    Nothing,

    /// <summary>One datagram of notifications was read.</summary>
    Messages,

    /// <summary>
    /// Notifications were lost: the socket's receive buffer overran (ENOBUFS), or a datagram did not fit the read
    /// buffer. Whoever mirrors kernel state must resynchronise from a dump; later notifications still arrive.
    /// </summary>
    Overrun,
}
