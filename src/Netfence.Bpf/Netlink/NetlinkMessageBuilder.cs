using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Netfence.Bpf.Netlink;

/// <summary>
/// Builds one netlink request: the 16-byte <c>nlmsghdr</c>, a fixed family header
/// (<see cref="InterfaceInfoMessage"/>, <see cref="TrafficControlMessage"/>) and rtattr attributes,
/// each padded to 4 bytes, nestable. <see cref="Build"/> writes the final length and sequence.
/// </summary>
public sealed class NetlinkMessageBuilder
{
    /// <summary>Size of <c>struct nlmsghdr</c>.</summary>
    public const int HeaderSize = 16;

    /// <summary>Size of <c>struct rtattr</c>/<c>nlattr</c>.</summary>
    public const int AttributeHeaderSize = 4;

    byte[] _buffer = new byte[256];
    int _length = HeaderSize;
    readonly Stack<int> _openNests = new();

    public NetlinkMessageBuilder(NetlinkMessageType type, NetlinkFlags flags)
    {
        Type = type;
        Flags = flags;
    }

    public NetlinkMessageType Type { get; }
    public NetlinkFlags Flags { get; }

    /// <summary>Rounds up to the 4-byte alignment netlink uses for headers and attributes.</summary>
    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>Appends a fixed family header (the struct after nlmsghdr), padded to 4 bytes.</summary>
    public NetlinkMessageBuilder Fixed<T>(T header) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in header));
        Append(bytes);
        Pad();
        return this;
    }

    /// <summary>Appends an attribute with a raw value.</summary>
    public NetlinkMessageBuilder Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        if (AttributeHeaderSize + value.Length > ushort.MaxValue)
            throw new ArgumentException($"netlink attribute {type} is {value.Length} bytes, more than an rtattr can hold", nameof(value));
        Span<byte> header = stackalloc byte[AttributeHeaderSize];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(AttributeHeaderSize + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], type);
        Append(header);
        Append(value);
        Pad();
        return this;
    }

    /// <summary>Appends a u32 attribute (host byte order, as rtnetlink expects).</summary>
    public NetlinkMessageBuilder AttributeU32(ushort type, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return Attribute(type, bytes);
    }

    /// <summary>Appends a NUL-terminated string attribute.</summary>
    public NetlinkMessageBuilder AttributeString(ushort type, string value)
    {
        if (value.Contains('\0')) throw new ArgumentException($"netlink string attribute {type} contains a NUL character", nameof(value));
        return Attribute(type, Encoding.UTF8.GetBytes(value + "\0"));
    }

    /// <summary>Opens a nested attribute; attributes appended until <see cref="EndNested"/> go inside it.</summary>
    public NetlinkMessageBuilder BeginNested(ushort type)
    {
        _openNests.Push(_length);
        Span<byte> header = stackalloc byte[AttributeHeaderSize];
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], type);
        Append(header);
        return this;
    }

    /// <summary>Closes the innermost nested attribute, writing its length.</summary>
    public NetlinkMessageBuilder EndNested()
    {
        if (_openNests.Count == 0) throw new InvalidOperationException("EndNested without a matching BeginNested");
        int start = _openNests.Pop();
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));
        return this;
    }

    /// <summary>The finished message with its length, type, flags, sequence number and port id.</summary>
    public byte[] Build(uint sequence, uint portId = 0)
    {
        if (_openNests.Count > 0) throw new InvalidOperationException($"{_openNests.Count} nested attribute(s) not closed");
        var message = _buffer.AsSpan(0, _length).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)_length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), (ushort)Type);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), (ushort)Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(12), portId);
        return message;
    }

    void Append(ReadOnlySpan<byte> bytes)
    {
        EnsureCapacity(_length + bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    void Pad()
    {
        int aligned = Align(_length);
        EnsureCapacity(aligned);
        _buffer.AsSpan(_length, aligned - _length).Clear();
        _length = aligned;
    }

    void EnsureCapacity(int needed)
    {
        if (needed > _buffer.Length) Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
    }
}
