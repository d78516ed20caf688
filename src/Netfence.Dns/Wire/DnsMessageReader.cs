using System.Buffers.Binary;

namespace Netfence.Dns.Wire;

/// <summary>
/// Parses DNS messages from untrusted octets. Every read is bounds-checked; compression pointers must
/// point strictly backwards (so they cannot loop) and are limited in number; names are limited to 255
/// octets; section counts are checked against the octets available before anything is allocated, so a
/// 12-octet header claiming 65,535 records costs nothing. Failures are reported as a
/// <see cref="DnsParseError"/>, never thrown: a flood of garbage must stay cheap.
/// </summary>
public static class DnsMessageReader
{
    /// <summary>Compression pointers followed within one name; 127 labels is the most a 255-octet name can have.</summary>
    public const int MaxPointerHops = 127;

    const int HeaderLength = 12;
    const int MinQuestionLength = 5;  // root name + type + class
    const int MinRecordLength = 11;   // root name + type + class + ttl + rdlength

    /// <summary>Reads the id and flags of anything at least a header long, for answering FORMERR to a broken query.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> message, out ushort id, out ushort flags)
    {
        if (message.Length < HeaderLength)
        {
            id = flags = 0;
            return false;
        }
        id = BinaryPrimitives.ReadUInt16BigEndian(message);
        flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        return true;
    }

    /// <summary>Parses a whole message.</summary>
    public static DnsParseError TryParse(ReadOnlySpan<byte> message, out DnsMessage? result) => TryParse(message, out result, keepWire: false);

    /// <summary>
    /// Parses a whole message; with <paramref name="keepWire"/> the result also keeps a copy of
    /// <paramref name="message"/> and where each record's TTL is in it (<see cref="DnsMessage.Received"/>), so that an
    /// answer passed on unchanged can be sent as it came, with only its header and TTLs patched.
    /// </summary>
    internal static DnsParseError TryParse(ReadOnlySpan<byte> message, out DnsMessage? result, bool keepWire) =>
        TryParse(message, out result, keepWire, expected: null);

    /// <summary>
    /// Parses an answer to a query for <paramref name="expected"/>: a question, and any owner name, whose octets are
    /// exactly <paramref name="expected"/>'s are that question and that name (the same objects), not copies. An answer
    /// echoes its question and names its records after it, so a forwarded answer allocates no names of its own.
    /// </summary>
    internal static DnsParseError TryParse(ReadOnlySpan<byte> message, out DnsMessage? result, bool keepWire, DnsQuestion? expected)
    {
        result = null;
        if (message.Length < HeaderLength) return DnsParseError.ShortHeader;
        int qd = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        int an = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        int ar = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        long needed = (long)qd * MinQuestionLength + (long)(an + ns + ar) * MinRecordLength;
        if (needed > message.Length - HeaderLength) return DnsParseError.CountsExceedMessage;

        var parsed = new DnsMessage
        {
            Id = BinaryPrimitives.ReadUInt16BigEndian(message),
            Flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]),
        };
        // A list only for a section that has entries: the others stay unmade until someone asks.
        List<DnsQuestion>? questions = qd == 0 ? null : new(qd);
        List<DnsRecord>? answers = an == 0 ? null : new(an), authorities = ns == 0 ? null : new(ns), additionals = ar == 0 ? null : new(ar);
        parsed.SetSections(questions, answers, authorities, additionals);
        int[]? ttlOffsets = keepWire ? new int[an + ns + ar] : null;
        int records = 0;
        int offset = HeaderLength;
        for (int i = 0; i < qd; i++)
        {
            var error = ReadName(message, ref offset, out var name, expected?.Name);
            if (error != DnsParseError.None) return error;
            if (offset + 4 > message.Length) return DnsParseError.Truncated;
            var type = (DnsType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var klass = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            offset += 4;
            questions!.Add(expected is not null && ReferenceEquals(name, expected.Name) && expected.Type == type && expected.Class == klass
                ? expected
                : new DnsQuestion(name!, type, klass));
        }
        for (int section = 0; section < 3; section++)
        {
            int count = section switch { 0 => an, 1 => ns, _ => ar };
            var list = section switch { 0 => answers, 1 => authorities, _ => additionals };
            for (int i = 0; i < count; i++)
            {
                var error = ReadRecord(message, ref offset, out var record, out int ttlAt, expected?.Name);
                if (error != DnsParseError.None) return error;
                if (record!.Type == DnsType.OPT)
                {
                    if (section != 2 || parsed.Opt is not null || record.Name.Wire.Length != 1) return DnsParseError.BadOpt;
                    parsed.Opt = record;
                }
                else
                {
                    list!.Add(record);
                    if (ttlOffsets is not null) ttlOffsets[records++] = ttlAt;
                }
            }
        }
        if (offset != message.Length) return DnsParseError.TrailingData;
        if (keepWire) parsed.Received = new ReceivedWire(message.ToArray(), records == ttlOffsets!.Length ? ttlOffsets : ttlOffsets[..records]);
        result = parsed;
        return DnsParseError.None;
    }

    static DnsParseError ReadRecord(ReadOnlySpan<byte> message, ref int offset, out DnsRecord? record, out int ttlAt, DnsName? known)
    {
        record = null;
        ttlAt = 0;
        var error = ReadName(message, ref offset, out var name, known);
        if (error != DnsParseError.None) return error;
        ttlAt = offset + 4;
        if (offset + 10 > message.Length) return DnsParseError.Truncated;
        var type = (DnsType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        var klass = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset + 4)..]);
        int rdLength = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
        offset += 10;
        if (offset + rdLength > message.Length) return DnsParseError.Truncated;
        int end = offset + rdLength;
        // Names inside RDATA are read against the whole message (they may point back) but must end inside the RDATA.
        var rdata = message[..end];
        byte[] data;
        DnsName? target = null;
        switch (type)
        {
            case DnsType.A when rdLength != 4:
            case DnsType.AAAA when rdLength != 16:
                return DnsParseError.BadRdata;
            case DnsType.CNAME or DnsType.DNAME or DnsType.NS or DnsType.PTR:
            {
                int at = offset;
                error = ReadName(rdata, ref at, out target);
                if (error != DnsParseError.None) return Inside(error);
                if (at != end) return DnsParseError.BadRdata;
                data = target!.Wire.ToArray();
                break;
            }
            case DnsType.MX or DnsType.SRV:
            {
                int fixedLength = type == DnsType.MX ? 2 : 6;
                if (rdLength < fixedLength + 1) return DnsParseError.BadRdata;
                int at = offset + fixedLength;
                error = ReadName(rdata, ref at, out var exchange);
                if (error != DnsParseError.None) return Inside(error);
                if (at != end) return DnsParseError.BadRdata;
                data = [.. message.Slice(offset, fixedLength), .. exchange!.Wire];
                break;
            }
            case DnsType.SOA:
            {
                int at = offset;
                error = ReadName(rdata, ref at, out var primary);
                if (error != DnsParseError.None) return Inside(error);
                error = ReadName(rdata, ref at, out var mailbox);
                if (error != DnsParseError.None) return Inside(error);
                if (end - at != 20) return DnsParseError.BadRdata;
                data = [.. primary!.Wire, .. mailbox!.Wire, .. message.Slice(at, 20)];
                break;
            }
            default:
                data = message.Slice(offset, rdLength).ToArray();
                break;
        }
        offset = end;
        record = new DnsRecord(name!, type, klass, ttl, data, target);
        return DnsParseError.None;
    }

    // A name that runs off the end of its RDATA is a malformed record, not a short message.
    static DnsParseError Inside(DnsParseError error) => error == DnsParseError.Truncated ? DnsParseError.BadRdata : error;

    /// <summary>Reads a possibly compressed name at <paramref name="offset"/> and moves past it.</summary>
    public static DnsParseError ReadName(ReadOnlySpan<byte> message, ref int offset, out DnsName? name) => ReadName(message, ref offset, out name, known: null);

    /// <summary><see cref="ReadName(ReadOnlySpan{byte}, ref int, out DnsName?)"/>, giving <paramref name="known"/> itself for a name of exactly its octets.</summary>
    // The name buffer is read only up to what was written into it; not zeroing it saves a memset per name.
    [System.Runtime.CompilerServices.SkipLocalsInit]
    static DnsParseError ReadName(ReadOnlySpan<byte> message, ref int offset, out DnsName? name, DnsName? known)
    {
        name = null;
        Span<byte> wire = stackalloc byte[DnsName.MaxWireLength];
        int length = 0;
        int position = offset;
        int hops = 0;
        bool jumped = false;
        while (true)
        {
            if (position >= message.Length) return DnsParseError.Truncated;
            byte b = message[position];
            switch (b & 0xC0)
            {
                case 0x00:
                    if (b == 0)
                    {
                        wire[length++] = 0;
                        if (!jumped) offset = position + 1;
                        name = known is not null && wire[..length].SequenceEqual(known.Wire) ? known : DnsName.FromValidatedWire(wire[..length]);
                        return DnsParseError.None;
                    }
                    if (position + 1 + b > message.Length) return DnsParseError.Truncated;
                    // The label, its length octet and the root label that must still follow.
                    if (length + 1 + b + 1 > DnsName.MaxWireLength) return DnsParseError.NameTooLong;
                    message.Slice(position, 1 + b).CopyTo(wire[length..]);
                    length += 1 + b;
                    position += 1 + b;
                    break;
                case 0xC0:
                    if (position + 1 >= message.Length) return DnsParseError.Truncated;
                    int pointer = ((b & 0x3F) << 8) | message[position + 1];
                    if (pointer < HeaderLength || pointer >= position || ++hops > MaxPointerHops) return DnsParseError.BadPointer;
                    if (!jumped) offset = position + 2;
                    jumped = true;
                    position = pointer;
                    break;
                default:
                    return DnsParseError.BadLabelType;
            }
        }
    }
}
