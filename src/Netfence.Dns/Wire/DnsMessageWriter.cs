using System.Buffers;
using System.Buffers.Binary;

namespace Netfence.Dns.Wire;

/// <summary>
/// Writes <see cref="DnsMessage"/>s. Owner and question names are compressed against names already
/// written; names inside RDATA are written in full (always legal). A message that does not fit
/// <c>maxSize</c> is cut to its header, question and OPT record with TC set, which tells the client
/// to retry over TCP (RFC 1035 4.2.1, RFC 7766).
/// </summary>
public static class DnsMessageWriter
{
    /// <summary>The largest message TCP framing can carry.</summary>
    public const int MaxMessageSize = ushort.MaxValue;

    /// <summary>An OPT record advertising <paramref name="udpPayload"/> with no options and no flags.</summary>
    public static DnsRecord MakeOpt(int udpPayload, uint extendedFlags = 0) =>
        new(DnsName.Root, DnsType.OPT, (ushort)Math.Clamp(udpPayload, DnsMessage.ClassicUdpSize, ushort.MaxValue), extendedFlags, []);

    /// <summary>Serialises <paramref name="message"/>, truncating (TC) if it exceeds <paramref name="maxSize"/>.</summary>
    public static byte[] Write(DnsMessage message, int maxSize = MaxMessageSize) => Write(message, maxSize, ttlOffsets: null);

    /// <summary>
    /// Serialises <paramref name="message"/> like <see cref="Write(DnsMessage, int)"/> and adds to
    /// <paramref name="ttlOffsets"/> where the TTL of each record (not the OPT record's extended flags) was written,
    /// so that a copy can be aged in place.
    /// </summary>
    public static byte[] Write(DnsMessage message, int maxSize, List<int>? ttlOffsets)
    {
        maxSize = Math.Clamp(maxSize, DnsMessage.ClassicUdpSize, MaxMessageSize);
        var buffer = ArrayPool<byte>.Shared.Rent(maxSize);
        try
        {
            int first = ttlOffsets?.Count ?? 0;
            Span<int> names = stackalloc int[MaxCompressionTargets];
            int length = TryWrite(message, buffer.AsSpan(0, maxSize), truncate: false, ttlOffsets, names);
            if (length < 0)
            {
                ttlOffsets?.RemoveRange(first, ttlOffsets.Count - first);
                length = TryWrite(message, buffer.AsSpan(0, maxSize), truncate: true, ttlOffsets, names);
                // Header, one question of at most 255 + 4 octets and an empty OPT always fit 512.
                if (length < 0) throw new InvalidOperationException("a truncated message did not fit 512 octets");
            }
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Serialises <paramref name="message"/> into <paramref name="destination"/> without truncating it; returns the
    /// length, or -1 if it does not fit (a forwarded query: its few hundred octets go straight into a stack buffer).
    /// </summary>
    public static int TryWrite(DnsMessage message, Span<byte> destination)
    {
        Span<int> names = stackalloc int[MaxCompressionTargets];
        return TryWrite(message, destination, truncate: false, ttlOffsets: null, names);
    }

    // Label positions remembered as compression targets; names past them are written in full (always legal).
    const int MaxCompressionTargets = 64;

    static int TryWrite(DnsMessage message, Span<byte> buffer, bool truncate, List<int>? ttlOffsets, Span<int> names)
    {
        var writer = new Writer(buffer, ttlOffsets, names);
        ushort flags = truncate ? (ushort)(message.Flags | 0x0200) : message.Flags;
        var questions = message.QuestionsRead;
        var answers = message.Records(Section.Answer);
        var authorities = message.Records(Section.Authority);
        var additionals = message.Records(Section.Additional);
        int additional = (truncate ? 0 : additionals.Length) + (message.Opt is null ? 0 : 1);
        if (!writer.U16(message.Id) || !writer.U16(flags) || !writer.U16((ushort)questions.Length)
            || !writer.U16((ushort)(truncate ? 0 : answers.Length))
            || !writer.U16((ushort)(truncate ? 0 : authorities.Length))
            || !writer.U16((ushort)additional))
            return -1;
        foreach (var question in questions)
        {
            if (!writer.Name(question.Name) || !writer.U16((ushort)question.Type) || !writer.U16(question.Class)) return -1;
        }
        if (!truncate && !(writer.Records(answers) && writer.Records(authorities) && writer.Records(additionals))) return -1;
        if (message.Opt is { } opt && !writer.Record(opt, isOpt: true)) return -1;
        return writer.Position;
    }

    ref struct Writer(Span<byte> buffer, List<int>? ttlOffsets, Span<int> targets)
    {
        readonly Span<byte> _buffer = buffer;
        readonly List<int>? _ttlOffsets = ttlOffsets;
        // Where labels were written, each the start of a name suffix a later name may point at.
        readonly Span<int> _targets = targets;
        int _targetCount;

        public int Position { get; private set; }

        public bool U16(ushort value)
        {
            if (Position + 2 > _buffer.Length) return false;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], value);
            Position += 2;
            return true;
        }

        public bool U32(uint value)
        {
            if (Position + 4 > _buffer.Length) return false;
            BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value);
            Position += 4;
            return true;
        }

        public bool Bytes(ReadOnlySpan<byte> bytes)
        {
            if (Position + bytes.Length > _buffer.Length) return false;
            bytes.CopyTo(_buffer[Position..]);
            Position += bytes.Length;
            return true;
        }

        public bool Records(ReadOnlySpan<DnsRecord> records)
        {
            foreach (var record in records)
            {
                if (!Record(record, isOpt: false)) return false;
            }
            return true;
        }

        /// <summary>Writes a name, pointing at the longest suffix written before.</summary>
        public bool Name(DnsName name)
        {
            var wire = name.Wire;
            int at = 0, added = 0;
            while (wire[at] != 0)
            {
                var suffix = wire[at..];
                for (int i = 0; i < _targetCount; i++)
                {
                    if (!SameName(suffix, _targets[i])) continue;
                    _targetCount += added;
                    return U16((ushort)(0xC000 | _targets[i]));
                }
                // Only a name written to its end may be pointed at (and compared): this one's labels count once it is.
                if (Position < 0x3FFF && _targetCount + added < _targets.Length) _targets[_targetCount + added++] = Position;
                if (!Bytes(wire.Slice(at, 1 + wire[at]))) return false;
                at += 1 + wire[at];
            }
            if (Position >= _buffer.Length) return false;
            _buffer[Position++] = 0;
            _targetCount += added;
            return true;
        }

        /// <summary>
        /// Whether the uncompressed <paramref name="wire"/> equals, ignoring ASCII case, the name written at
        /// <paramref name="at"/> (which may go on through pointers this writer wrote, always backwards).
        /// </summary>
        readonly bool SameName(ReadOnlySpan<byte> wire, int at)
        {
            int i = 0;
            while (true)
            {
                byte length = _buffer[at];
                if ((length & 0xC0) == 0xC0)
                {
                    at = ((length & 0x3F) << 8) | _buffer[at + 1];
                    continue;
                }
                if (length != wire[i]) return false;
                if (length == 0) return true;
                for (int k = 1; k <= length; k++)
                {
                    if (Lower(_buffer[at + k]) != Lower(wire[i + k])) return false;
                }
                at += 1 + length;
                i += 1 + length;
            }
        }

        static byte Lower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;

        public bool Record(DnsRecord record, bool isOpt)
        {
            if (!Name(record.Name) || !U16((ushort)record.Type) || !U16(record.Class)) return false;
            if (!isOpt) _ttlOffsets?.Add(Position);
            if (!U32(record.Ttl)) return false;
            if (record.Data.Length > ushort.MaxValue) return false;
            return U16((ushort)record.Data.Length) && Bytes(record.Data);
        }
    }
}
