namespace Netfence.Bpf.Sdk;

/// <summary>
/// The context of cgroup connect/sendmsg/recvmsg programs (the kernel's <c>struct bpf_sock_addr</c>). Writable
/// fields take uint because the kernel accepts only 4-byte stores to them; that is how a connect hook redirects.
/// </summary>
[ContextLayout("bpf_sock_addr", Size)]
public readonly ref struct SockAddr
{
    /// <summary>Size of <c>struct bpf_sock_addr</c> without the trailing sk pointer's alignment padding.</summary>
    public const int Size = 72;

    private const int UserFamilyOffset = 0;
    private const int UserIp4Offset = 4;
    private const int UserIp6Offset = 8;
    private const int UserPortOffset = 24;
    private const int FamilyOffset = 28;
    private const int TypeOffset = 32;
    private const int ProtocolOffset = 36;
    private const int MsgSrcIp4Offset = 40;
    private const int MsgSrcIp6Offset = 44;

    private readonly Span<byte> _context;

    /// <summary>A context over an image of at least <see cref="Size"/> bytes, used in place.</summary>
    [ManagedOnly]
    public SockAddr(Span<byte> context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context.Length, Size, nameof(context));
        _context = context;
    }

    /// <summary>The context image, for tests that inspect what a program rewrote.</summary>
    [ManagedOnly]
    public Span<byte> ContextImage => _context;

    /// <summary>The address family the user passed (AF_INET 2, AF_INET6 10).</summary>
    [ContextField(UserFamilyOffset, 4, writable: false)]
    public uint UserFamily => ContextBytes.Read(_context, UserFamilyOffset);

    /// <summary>The destination IPv4 address in network byte order.</summary>
    [ContextField(UserIp4Offset, 4, writable: true)]
    public uint UserIp4
    {
        get => ContextBytes.Read(_context, UserIp4Offset);
        set => ContextBytes.Write(_context, UserIp4Offset, value);
    }

    /// <summary>Word <paramref name="index"/> (constant, 0 to 3) of the destination IPv6 address, network order.</summary>
    [ContextField(UserIp6Offset, 4, writable: true, Count = 4)]
    public uint UserIp6(int index) => ContextBytes.Read(_context, ContextBytes.Element(UserIp6Offset, index, 4));

    /// <summary>Writes word <paramref name="index"/> (constant, 0 to 3) of the destination IPv6 address.</summary>
    [ContextField(UserIp6Offset, 4, writable: true, Count = 4)]
    public void SetUserIp6(int index, uint value) => ContextBytes.Write(_context, ContextBytes.Element(UserIp6Offset, index, 4), value);

    /// <summary>The destination port in network byte order (in the low 16 bits).</summary>
    [ContextField(UserPortOffset, 4, writable: true)]
    public uint UserPort
    {
        get => ContextBytes.Read(_context, UserPortOffset);
        set => ContextBytes.Write(_context, UserPortOffset, value);
    }

    /// <summary>The socket's address family.</summary>
    [ContextField(FamilyOffset, 4, writable: false)]
    public uint Family => ContextBytes.Read(_context, FamilyOffset);

    /// <summary>The socket type (SOCK_STREAM 1, SOCK_DGRAM 2).</summary>
    [ContextField(TypeOffset, 4, writable: false)]
    public uint Type => ContextBytes.Read(_context, TypeOffset);

    /// <summary>The socket protocol (IPPROTO_TCP 6, IPPROTO_UDP 17).</summary>
    [ContextField(ProtocolOffset, 4, writable: false)]
    public uint Protocol => ContextBytes.Read(_context, ProtocolOffset);

    /// <summary>The IPv4 source address of a sendmsg (writable in sendmsg4), network order.</summary>
    [ContextField(MsgSrcIp4Offset, 4, writable: true)]
    public uint MsgSrcIp4
    {
        get => ContextBytes.Read(_context, MsgSrcIp4Offset);
        set => ContextBytes.Write(_context, MsgSrcIp4Offset, value);
    }

    /// <summary>Word <paramref name="index"/> (constant, 0 to 3) of a sendmsg's IPv6 source address, network order.</summary>
    [ContextField(MsgSrcIp6Offset, 4, writable: true, Count = 4)]
    public uint MsgSrcIp6(int index) => ContextBytes.Read(_context, ContextBytes.Element(MsgSrcIp6Offset, index, 4));

    /// <summary>Writes word <paramref name="index"/> (constant, 0 to 3) of a sendmsg's IPv6 source address.</summary>
    [ContextField(MsgSrcIp6Offset, 4, writable: true, Count = 4)]
    public void SetMsgSrcIp6(int index, uint value) => ContextBytes.Write(_context, ContextBytes.Element(MsgSrcIp6Offset, index, 4), value);
}
