using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// The packet context of tc, tcx and cgroup_skb programs (the kernel's <c>struct __sk_buff</c>). Programs receive
/// it by value and the compiler treats it as the r1 pointer; every accessor carries its kernel offset in
/// <see cref="ContextFieldAttribute"/>. In .NET it is a view over a context image and the packet bytes.
/// </summary>
[ContextLayout("__sk_buff", Size, DataOffset = DataPointerOffset, DataEndOffset = DataEndPointerOffset)]
public readonly ref struct SkBuff
{
    /// <summary>Size of <c>struct __sk_buff</c>.</summary>
    public const int Size = 192;

    private const int DataPointerOffset = 76;
    private const int DataEndPointerOffset = 80;
    private const int LenOffset = 0;
    private const int PktTypeOffset = 4;
    private const int MarkOffset = 8;
    private const int QueueMappingOffset = 12;
    private const int ProtocolOffset = 16;
    private const int VlanPresentOffset = 20;
    private const int VlanTciOffset = 24;
    private const int VlanProtoOffset = 28;
    private const int PriorityOffset = 32;
    private const int IngressIfindexOffset = 36;
    private const int IfindexOffset = 40;
    private const int TcIndexOffset = 44;
    private const int CbOffset = 48;
    private const int HashOffset = 68;
    private const int TcClassidOffset = 72;
    private const int NapiIdOffset = 84;
    private const int FamilyOffset = 88;
    private const int RemoteIp4Offset = 92;
    private const int LocalIp4Offset = 96;
    private const int RemoteIp6Offset = 100;
    private const int LocalIp6Offset = 116;
    private const int RemotePortOffset = 132;
    private const int LocalPortOffset = 136;

    private readonly Span<byte> _context;
    private readonly Span<byte> _packet;

    /// <summary>
    /// A context over <paramref name="packet"/> (starting at the Ethernet header for tc) and a context image of at
    /// least <see cref="Size"/> bytes, the same bytes a BPF_PROG_TEST_RUN passes as ctx_in. Both are used in place:
    /// context writes and packet writes are visible to the caller afterwards.
    /// </summary>
    [ManagedOnly]
    public SkBuff(Span<byte> packet, Span<byte> context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context.Length, Size, nameof(context));
        _packet = packet;
        _context = context;
    }

    /// <summary>A context over <paramref name="packet"/> with a zeroed context image whose len is the packet length.</summary>
    [ManagedOnly]
    public SkBuff(Span<byte> packet) : this(packet, new byte[Size]) => ContextBytes.Write(_context, LenOffset, (uint)packet.Length);

    /// <summary>The context image, for tests that compare it with the kernel's ctx_out.</summary>
    [ManagedOnly]
    public Span<byte> ContextImage => _context;

    /// <summary>Packet length in bytes (skb->len).</summary>
    [ContextField(LenOffset, 4, writable: false)]
    public uint Len => ContextBytes.Read(_context, LenOffset);

    /// <summary>Packet type (PACKET_HOST, PACKET_BROADCAST, ...).</summary>
    [ContextField(PktTypeOffset, 4, writable: false)]
    public uint PktType => ContextBytes.Read(_context, PktTypeOffset);

    /// <summary>The firewall mark.</summary>
    [ContextField(MarkOffset, 4, writable: true)]
    public uint Mark
    {
        get => ContextBytes.Read(_context, MarkOffset);
        set => ContextBytes.Write(_context, MarkOffset, value);
    }

    /// <summary>The transmit queue (writable from tc).</summary>
    [ContextField(QueueMappingOffset, 4, writable: true)]
    public uint QueueMapping
    {
        get => ContextBytes.Read(_context, QueueMappingOffset);
        set => ContextBytes.Write(_context, QueueMappingOffset, value);
    }

    /// <summary>The link-layer protocol (EtherType) in network byte order.</summary>
    [ContextField(ProtocolOffset, 4, writable: false)]
    public uint Protocol => ContextBytes.Read(_context, ProtocolOffset);

    /// <summary>Non-zero when the packet carries an offloaded VLAN tag.</summary>
    [ContextField(VlanPresentOffset, 4, writable: false)]
    public uint VlanPresent => ContextBytes.Read(_context, VlanPresentOffset);

    /// <summary>The offloaded VLAN tag control information.</summary>
    [ContextField(VlanTciOffset, 4, writable: false)]
    public uint VlanTci => ContextBytes.Read(_context, VlanTciOffset);

    /// <summary>The offloaded VLAN protocol in network byte order.</summary>
    [ContextField(VlanProtoOffset, 4, writable: false)]
    public uint VlanProto => ContextBytes.Read(_context, VlanProtoOffset);

    /// <summary>The queueing priority.</summary>
    [ContextField(PriorityOffset, 4, writable: true)]
    public uint Priority
    {
        get => ContextBytes.Read(_context, PriorityOffset);
        set => ContextBytes.Write(_context, PriorityOffset, value);
    }

    /// <summary>The interface the packet arrived on.</summary>
    [ContextField(IngressIfindexOffset, 4, writable: false)]
    public uint IngressIfindex => ContextBytes.Read(_context, IngressIfindexOffset);

    /// <summary>The interface the program runs on.</summary>
    [ContextField(IfindexOffset, 4, writable: false)]
    public uint Ifindex => ContextBytes.Read(_context, IfindexOffset);

    /// <summary>The tc index (writable from tc).</summary>
    [ContextField(TcIndexOffset, 4, writable: true)]
    public uint TcIndex
    {
        get => ContextBytes.Read(_context, TcIndexOffset);
        set => ContextBytes.Write(_context, TcIndexOffset, value);
    }

    /// <summary>Reads word <paramref name="index"/> (constant, 0 to 4) of the control buffer cb[5].</summary>
    [ContextField(CbOffset, 4, writable: true, Count = 5)]
    public uint Cb(int index) => ContextBytes.Read(_context, ContextBytes.Element(CbOffset, index, 5));

    /// <summary>Writes word <paramref name="index"/> (constant, 0 to 4) of the control buffer cb[5].</summary>
    [ContextField(CbOffset, 4, writable: true, Count = 5)]
    public void SetCb(int index, uint value) => ContextBytes.Write(_context, ContextBytes.Element(CbOffset, index, 5), value);

    /// <summary>The flow hash.</summary>
    [ContextField(HashOffset, 4, writable: false)]
    public uint Hash => ContextBytes.Read(_context, HashOffset);

    /// <summary>The tc class id (writable from tc).</summary>
    [ContextField(TcClassidOffset, 4, writable: true)]
    public uint TcClassid
    {
        get => ContextBytes.Read(_context, TcClassidOffset);
        set => ContextBytes.Write(_context, TcClassidOffset, value);
    }

    /// <summary>The NAPI id of the receive queue.</summary>
    [ContextField(NapiIdOffset, 4, writable: false)]
    public uint NapiId => ContextBytes.Read(_context, NapiIdOffset);

    /// <summary>The socket's address family (cgroup_skb and socket-bound packets).</summary>
    [ContextField(FamilyOffset, 4, writable: false)]
    public uint Family => ContextBytes.Read(_context, FamilyOffset);

    /// <summary>The socket's remote IPv4 address in network byte order.</summary>
    [ContextField(RemoteIp4Offset, 4, writable: false)]
    public uint RemoteIp4 => ContextBytes.Read(_context, RemoteIp4Offset);

    /// <summary>The socket's local IPv4 address in network byte order.</summary>
    [ContextField(LocalIp4Offset, 4, writable: false)]
    public uint LocalIp4 => ContextBytes.Read(_context, LocalIp4Offset);

    /// <summary>Word <paramref name="index"/> (constant, 0 to 3) of the socket's remote IPv6 address, network order.</summary>
    [ContextField(RemoteIp6Offset, 4, writable: false, Count = 4)]
    public uint RemoteIp6(int index) => ContextBytes.Read(_context, ContextBytes.Element(RemoteIp6Offset, index, 4));

    /// <summary>Word <paramref name="index"/> (constant, 0 to 3) of the socket's local IPv6 address, network order.</summary>
    [ContextField(LocalIp6Offset, 4, writable: false, Count = 4)]
    public uint LocalIp6(int index) => ContextBytes.Read(_context, ContextBytes.Element(LocalIp6Offset, index, 4));

    /// <summary>The socket's remote port in network byte order (in the low 16 bits).</summary>
    [ContextField(RemotePortOffset, 4, writable: false)]
    public uint RemotePort => ContextBytes.Read(_context, RemotePortOffset);

    /// <summary>The socket's local port in host byte order.</summary>
    [ContextField(LocalPortOffset, 4, writable: false)]
    public uint LocalPort => ContextBytes.Read(_context, LocalPortOffset);

    /// <summary>
    /// Reads a <typeparamref name="T"/> at <paramref name="offset"/> bytes into the packet. Compiles to the check
    /// <c>data + offset + sizeof(T) &gt; data_end</c> (false, nothing read) followed by the load, so no packet read
    /// can skip its bounds check. Returns false and a zeroed value when the read does not fit.
    /// </summary>
    public bool TryRead<T>(int offset, out T value) where T : unmanaged
    {
        if (offset < 0 || (long)offset + Unsafe.SizeOf<T>() > _packet.Length)
        {
            value = default;
            return false;
        }

        value = MemoryMarshal.Read<T>(_packet[offset..]);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="value"/> at <paramref name="offset"/> bytes into the packet under the same bounds check
    /// as <see cref="TryRead{T}"/>. Only tc and tcx programs may write packets; the verifier rejects it elsewhere.
    /// </summary>
    public bool TryWrite<T>(int offset, in T value) where T : unmanaged
    {
        if (offset < 0 || (long)offset + Unsafe.SizeOf<T>() > _packet.Length)
            return false;

        MemoryMarshal.Write(_packet[offset..], in value);
        return true;
    }
}
