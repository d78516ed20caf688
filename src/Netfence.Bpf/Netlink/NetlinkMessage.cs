using System.Buffers.Binary;
using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Netlink;

/// <summary>One received netlink message: its header fields and the payload after the header.</summary>
public sealed record NetlinkMessage(NetlinkMessageType Type, NetlinkFlags Flags, uint Sequence, uint PortId, ReadOnlyMemory<byte> Payload)
{
    /// <summary>NLMSGERR_ATTR_MSG: the extended-ack error text.</summary>
    public const ushort ErrorAttributeMessage = 1;

    /// <summary>Splits a datagram into its messages (several per datagram in dumps).</summary>
    public static IReadOnlyList<NetlinkMessage> ParseAll(ReadOnlyMemory<byte> datagram)
    {
        var list = new List<NetlinkMessage>();
        int offset = 0;
        var span = datagram.Span;
        while (offset + NetlinkMessageBuilder.HeaderSize <= span.Length)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);
            if (length < NetlinkMessageBuilder.HeaderSize || offset + length > span.Length)
                throw new FormatException($"netlink message at offset {offset} claims {length} bytes but {span.Length - offset} remain");
            list.Add(new NetlinkMessage(
                (NetlinkMessageType)BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 4)..]),
                (NetlinkFlags)BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 6)..]),
                BinaryPrimitives.ReadUInt32LittleEndian(span[(offset + 8)..]),
                BinaryPrimitives.ReadUInt32LittleEndian(span[(offset + 12)..]),
                datagram.Slice(offset + NetlinkMessageBuilder.HeaderSize, length - NetlinkMessageBuilder.HeaderSize)));
            offset += NetlinkMessageBuilder.Align(length);
        }
        return list;
    }

    /// <summary>
    /// For an NLMSG_ERROR (or a dump's NLMSG_DONE): the errno (None for a plain ack) and the
    /// kernel's extended-ack text when it sent one.
    /// </summary>
    public (Errno Errno, string? ExtendedAck) ParseError()
    {
        if (Type is not (NetlinkMessageType.Error or NetlinkMessageType.Done))
            throw new InvalidOperationException($"{Type.Name()} is not an error or done message");
        var span = Payload.Span;
        if (span.Length < 4) return (Errno.None, null);
        var errno = (Errno)(-BinaryPrimitives.ReadInt32LittleEndian(span));
        if (!Flags.HasFlag(NetlinkFlags.AckTlvs)) return (errno, null);

        // After the error code comes the request's header, and its payload unless the kernel
        // capped it (always capped for acks of successful requests); the TLVs follow that.
        int tlvStart;
        if (Type == NetlinkMessageType.Done) tlvStart = 4;
        else if (Flags.HasFlag(NetlinkFlags.Capped)) tlvStart = 4 + NetlinkMessageBuilder.HeaderSize;
        else
        {
            if (span.Length < 4 + NetlinkMessageBuilder.HeaderSize) return (errno, null);
            tlvStart = 4 + NetlinkMessageBuilder.Align((int)BinaryPrimitives.ReadUInt32LittleEndian(span[4..]));
        }
        if (tlvStart > span.Length) return (errno, null);
        var text = NetlinkAttribute.Parse(Payload[tlvStart..]).Find(ErrorAttributeMessage)?.AsString();
        return (errno, string.IsNullOrEmpty(text) ? null : text);
    }
}
