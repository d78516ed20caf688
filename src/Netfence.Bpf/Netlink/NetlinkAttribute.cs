using System.Buffers.Binary;
using System.Text;

namespace Netfence.Bpf.Netlink;

/// <summary>One parsed rtattr/nlattr: its type (flags masked off) and value bytes.</summary>
public readonly record struct NetlinkAttribute(ushort Type, ReadOnlyMemory<byte> Value)
{
    /// <summary>The NLA_F_NESTED and NLA_F_NET_BYTEORDER bits, which are not part of the type.</summary>
    public const ushort FlagMask = 0xC000;

    /// <summary>The value as a u32 in host order.</summary>
    public uint AsU32()
    {
        if (Value.Length < 4) throw new FormatException($"netlink attribute {Type} has {Value.Length} bytes, a u32 needs 4");
        return BinaryPrimitives.ReadUInt32LittleEndian(Value.Span);
    }

    /// <summary>The value as a string, without its terminating NUL.</summary>
    public string AsString()
    {
        var span = Value.Span;
        int end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    /// <summary>The attributes nested inside this one.</summary>
    public IReadOnlyList<NetlinkAttribute> Nested() => Parse(Value);

    /// <summary>Parses a run of attributes, each padded to 4 bytes; a malformed length is an error.</summary>
    public static IReadOnlyList<NetlinkAttribute> Parse(ReadOnlyMemory<byte> data)
    {
        var list = new List<NetlinkAttribute>();
        int offset = 0;
        var span = data.Span;
        while (offset + NetlinkMessageBuilder.AttributeHeaderSize <= span.Length)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 2)..]) & ~FlagMask);
            if (length < NetlinkMessageBuilder.AttributeHeaderSize || offset + length > span.Length)
                throw new FormatException($"netlink attribute {type} at offset {offset} claims {length} bytes but {span.Length - offset} remain");
            list.Add(new NetlinkAttribute(type, data.Slice(offset + NetlinkMessageBuilder.AttributeHeaderSize, length - NetlinkMessageBuilder.AttributeHeaderSize)));
            offset += NetlinkMessageBuilder.Align(length);
        }
        return list;
    }
}

/// <summary>Lookups over a parsed attribute list.</summary>
public static class NetlinkAttributeList
{
    /// <summary>The first attribute of a type, or null.</summary>
    public static NetlinkAttribute? Find(this IReadOnlyList<NetlinkAttribute> attributes, ushort type)
    {
        foreach (var a in attributes)
            if (a.Type == type) return a;
        return null;
    }
}
