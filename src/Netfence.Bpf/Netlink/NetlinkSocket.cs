using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Netlink;

/// <summary>
/// An AF_NETLINK/NETLINK_ROUTE socket with request/ack and dump exchanges. Every request gets
/// its own sequence number, and replies to other sequence numbers (late answers to an abandoned
/// request) are skipped. Extended acks are switched on so kernel errors come with their text.
/// Not thread-safe: one exchange at a time.
/// </summary>
public sealed unsafe class NetlinkSocket : IDisposable
{
    const int ReceiveBufferSize = 64 * 1024;
    const int MaxDumpAttempts = 5;

    readonly BpfFd _fd;
    readonly byte[] _receiveBuffer = new byte[ReceiveBufferSize];
    uint _sequence;

    NetlinkSocket(BpfFd fd, string? namespacePath)
    {
        _fd = fd;
        NamespacePath = namespacePath;
        // Start from a time-derived number so two sockets in a row don't reuse sequence numbers.
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The namespace the socket was opened in, or null for the caller's own.</summary>
    public string? NamespacePath { get; }

    /// <summary>Opens a route netlink socket, inside the network namespace at <paramref name="namespacePath"/> when given.</summary>
    public static NetlinkSocket Open(string? namespacePath = null)
        => NetworkNamespace.Run(namespacePath, () => new NetlinkSocket(CreateSocket(), namespacePath));

    static BpfFd CreateSocket()
    {
        int fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
        if (fd < 0) throw new BpfException("socket(AF_NETLINK, NETLINK_ROUTE)", Libc.LastErrno);
        var handle = new BpfFd(fd);
        try
        {
            int one = 1;
            // Without extended acks the kernel's explanation of an EINVAL is lost.
            if (Libc.SetSockOpt(fd, Libc.SOL_NETLINK, Libc.NETLINK_EXT_ACK, &one, sizeof(int)) != 0)
                throw new BpfException("setsockopt(NETLINK_EXT_ACK)", Libc.LastErrno);
            // A bound timeout turns a kernel that never answers into an error instead of a hang.
            long* timeout = stackalloc long[2] { 10, 0 };
            if (Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout, 16) != 0)
                throw new BpfException("setsockopt(SO_RCVTIMEO)", Libc.LastErrno);
            byte* address = stackalloc byte[12];
            new Span<byte>(address, 12).Clear();
            *(ushort*)address = Libc.AF_NETLINK;
            if (Libc.Bind(fd, address, 12) != 0)
                throw new BpfException("bind(AF_NETLINK)", Libc.LastErrno);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends a request with NLM_F_ACK and waits for the kernel's answer. Returns the messages the
    /// kernel sent before its ack (e.g. the RTM_NEWLINK answering an RTM_GETLINK); throws a
    /// <see cref="NetlinkException"/> for an error answer.
    /// </summary>
    public IReadOnlyList<NetlinkMessage> Request(NetlinkMessageBuilder request)
    {
        if (!request.Flags.HasFlag(NetlinkFlags.Request | NetlinkFlags.Ack))
            throw new ArgumentException($"{request.Type.Name()} request must be built with NetlinkFlags.Request | NetlinkFlags.Ack", nameof(request));
        uint seq = ++_sequence;
        Send(request.Build(seq), request.Type);
        var replies = new List<NetlinkMessage>();
        while (true)
        {
            foreach (var message in Receive(request.Type))
            {
                if (message.Sequence != seq) continue;
                if (message.Type == NetlinkMessageType.Error)
                {
                    var (errno, text) = message.ParseError();
                    if (errno == Errno.None) return replies;
                    throw new NetlinkException(request.Type.Name(), errno, text, NetlinkException.HintFor(request.Type, errno));
                }
                replies.Add(message);
            }
        }
    }

    /// <summary>
    /// Sends a dump request (NLM_F_DUMP) and collects every message until NLMSG_DONE. A dump the
    /// kernel marks as interrupted by a concurrent change is repeated.
    /// </summary>
    public IReadOnlyList<NetlinkMessage> Dump(NetlinkMessageBuilder request)
    {
        if (!request.Flags.HasFlag(NetlinkFlags.Request | NetlinkFlags.Dump))
            throw new ArgumentException($"{request.Type.Name()} dump must be built with NetlinkFlags.Request | NetlinkFlags.Dump", nameof(request));
        for (int attempt = 1; ; attempt++)
        {
            uint seq = ++_sequence;
            Send(request.Build(seq), request.Type);
            var replies = new List<NetlinkMessage>();
            bool interrupted = false, done = false;
            while (!done)
            {
                foreach (var message in Receive(request.Type))
                {
                    if (message.Sequence != seq) continue;
                    if (message.Flags.HasFlag(NetlinkFlags.DumpInterrupted)) interrupted = true;
                    if (message.Type is NetlinkMessageType.Done or NetlinkMessageType.Error)
                    {
                        var (errno, text) = message.ParseError();
                        if (errno != Errno.None)
                            throw new NetlinkException(request.Type.Name(), errno, text, NetlinkException.HintFor(request.Type, errno));
                        done = true;
                        break;
                    }
                    replies.Add(message);
                }
            }
            if (!interrupted) return replies;
            if (attempt == MaxDumpAttempts)
                throw new NetlinkException(request.Type.Name(), Errno.EAGAIN, $"the dump was interrupted by concurrent changes {MaxDumpAttempts} times in a row");
        }
    }

    void Send(byte[] message, NetlinkMessageType type)
    {
        byte* address = stackalloc byte[12];
        new Span<byte>(address, 12).Clear();
        *(ushort*)address = Libc.AF_NETLINK;
        fixed (byte* p = message)
        {
            while (true)
            {
                nint sent = Libc.SendTo(_fd.Value, p, message.Length, 0, address, 12);
                if (sent == message.Length) return;
                var errno = sent < 0 ? Libc.LastErrno : Errno.EMSGSIZE;
                if (errno == Errno.EINTR) continue;
                throw new NetlinkException($"{type.Name()} (send)", errno, null);
            }
        }
    }

    IReadOnlyList<NetlinkMessage> Receive(NetlinkMessageType type)
    {
        fixed (byte* p = _receiveBuffer)
        {
            while (true)
            {
                // MSG_TRUNC makes the kernel report the datagram's real length, so a datagram
                // larger than the buffer is an error instead of silently cut messages.
                nint received = Libc.RecvFrom(_fd.Value, p, _receiveBuffer.Length, Libc.MSG_TRUNC, null, null);
                if (received < 0)
                {
                    var errno = Libc.LastErrno;
                    if (errno == Errno.EINTR) continue;
                    if (errno == Errno.EAGAIN) throw new TimeoutException($"{type.Name()}: the kernel did not answer within 10 s");
                    throw new NetlinkException($"{type.Name()} (receive)", errno, null);
                }
                if (received > _receiveBuffer.Length)
                    throw new NetlinkException($"{type.Name()} (receive)", Errno.EMSGSIZE, $"a {received}-byte reply did not fit the {_receiveBuffer.Length}-byte buffer");
                return NetlinkMessage.ParseAll(_receiveBuffer.AsSpan(0, (int)received).ToArray());
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _fd.Dispose();
}
