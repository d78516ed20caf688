using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket that listens to rtnetlink multicast groups (notifications the kernel sends on every
/// change), separate from the request socket so that notifications never interleave with answers. Non-blocking: the
/// owner waits for <see cref="Fd"/> to become readable (poll) and drains it with <see cref="TryReceive"/>. Not
/// thread-safe: one reader.
/// </summary>
public sealed unsafe class NetlinkSubscription : IDisposable
{
    const int AddressSize = 12;
    // A notification is one message per datagram; 64 KiB holds any ordinary device's. A larger one is reported as an
    // overrun (and resynchronised) rather than cut.
    const int DatagramBufferSize = 64 * 1024;

    readonly BpfFd _fd;
    readonly byte[] _buffer = new byte[DatagramBufferSize];

    NetlinkSubscription(BpfFd fd, string? namespacePath, int receiveBufferBytes)
    {
        _fd = fd;
        NamespacePath = namespacePath;
        ReceiveBufferBytes = receiveBufferBytes;
    }

    /// <summary>The socket, for waiting on readability; owned by this subscription.</summary>
    public BpfFd Fd => _fd;

    /// <summary>The namespace whose notifications arrive, or null for the caller's own.</summary>
    public string? NamespacePath { get; }

    /// <summary>The receive buffer the kernel granted (it doubles the requested size for its bookkeeping).</summary>
    public int ReceiveBufferBytes { get; }

    /// <summary>
    /// Opens a subscription to <paramref name="groups"/> in the namespace at <paramref name="namespacePath"/> (the
    /// caller's own when null). The receive buffer is set with SO_RCVBUFFORCE, which ignores
    /// <c>net.core.rmem_max</c> but needs CAP_NET_ADMIN: a burst of changes (a thousand devices deleted at once) must
    /// fit, and whatever does not is an overrun the owner repairs with a dump.
    /// </summary>
    public static NetlinkSubscription Open(IEnumerable<RouteNetlinkGroup> groups, int receiveBufferBytes, string? namespacePath = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(receiveBufferBytes);
        var list = groups.ToList();
        if (list.Count == 0) throw new ArgumentException("a subscription needs at least one multicast group", nameof(groups));
        return NetworkNamespace.Run(namespacePath, () =>
        {
            int fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, Libc.NETLINK_ROUTE);
            if (fd < 0) throw new BpfException("socket(AF_NETLINK, NETLINK_ROUTE)", Libc.LastErrno);
            var handle = new BpfFd(fd);
            try
            {
                int size = receiveBufferBytes;
                if (Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &size, sizeof(int)) != 0)
                {
                    var errno = Libc.LastErrno;
                    throw new BpfException("setsockopt(SO_RCVBUFFORCE)", errno, errno == Errno.EPERM ? "needs root or CAP_NET_ADMIN" : null);
                }
                int granted = 0, length = sizeof(int);
                if (Libc.GetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &granted, &length) != 0)
                    throw new BpfException("getsockopt(SO_RCVBUF)", Libc.LastErrno);

                byte* address = stackalloc byte[AddressSize];
                new Span<byte>(address, AddressSize).Clear();
                *(ushort*)address = Libc.AF_NETLINK;
                if (Libc.Bind(fd, address, AddressSize) != 0)
                    throw new BpfException("bind(AF_NETLINK)", Libc.LastErrno);
                foreach (var group in list)
                {
                    uint number = (uint)group;
                    if (Libc.SetSockOpt(fd, Libc.SOL_NETLINK, Libc.NETLINK_ADD_MEMBERSHIP, &number, sizeof(uint)) != 0)
                        throw new BpfException($"setsockopt(NETLINK_ADD_MEMBERSHIP, {group})", Libc.LastErrno);
                }
                return new NetlinkSubscription(handle, namespacePath, granted);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        });
    }

    /// <summary>
    /// Reads one waiting datagram without blocking. Datagrams not sent by the kernel (a privileged process may send
    /// to a multicast group) are skipped: only the kernel's word counts.
    /// </summary>
    public NetlinkSubscriptionRead TryReceive(out IReadOnlyList<NetlinkMessage> messages)
    {
        messages = [];
        byte* address = stackalloc byte[AddressSize];
        fixed (byte* p = _buffer)
        {
            while (true)
            {
                int addressLength = AddressSize;
                // MSG_TRUNC reports a datagram's real length, so one larger than the buffer is noticed, not cut.
                nint received = Libc.RecvFrom(_fd.Value, p, _buffer.Length, Libc.MSG_DONTWAIT | Libc.MSG_TRUNC, address, &addressLength);
                if (received < 0)
                {
                    var errno = Libc.LastErrno;
                    if (errno == Errno.EINTR) continue;
                    if (errno == Errno.EAGAIN) return NetlinkSubscriptionRead.Nothing;
                    if (errno == Errno.ENOBUFS) return NetlinkSubscriptionRead.Overrun;
                    throw new NetlinkException("netlink notification (receive)", errno, null);
                }
                if (received > _buffer.Length) return NetlinkSubscriptionRead.Overrun;
                uint senderPort = *(uint*)(address + 4);
                if (senderPort != 0) continue;
                messages = NetlinkMessage.ParseAll(_buffer.AsSpan(0, (int)received).ToArray());
                return NetlinkSubscriptionRead.Messages;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();
}
