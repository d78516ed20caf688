using System.Buffers.Binary;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Serving;

/// <summary>
/// The answer to a forwarded query sent as the upstream's own octets, patched where the answer the client gets differs
/// from it (id, flags, the question as the client spelled it, capped TTLs), instead of serialised anew. Only when the
/// answer filter removed nothing and the message would otherwise come out the same: the same records in the same
/// sections, the upstream's OPT record passed on (or none on either side), within the client's size. Anything else
/// (records removed, an OPT record added or dropped, a truncation to make) goes through the serialiser.
/// </summary>
/// <remarks>
/// Patching in place changes no length, so the upstream's compression pointers (validated by the reader: strictly
/// backwards, inside the message) still point at the same names. The question's name is never compressed (nothing
/// precedes it to point at), so the client's spelling, a name equal to it but for case, fits exactly.
/// </remarks>
internal static class ForwardedAnswer
{
    const int HeaderLength = 12;

    /// <summary>
    /// <paramref name="upstream"/>'s octets (read with <c>keepWire</c>) patched into <paramref name="response"/>, the
    /// answer built from it and already filtered; null when <paramref name="response"/>
    /// must be serialised instead. The octets are <paramref name="upstream"/>'s own copy, patched in place.
    /// </summary>
    public static byte[]? TryPatch(DnsMessage response, DnsMessage upstream, int maxSize)
    {
        if (upstream.Received is not { } received) return null;
        var octets = received.Octets;
        var offsets = received.TtlOffsets;
        if (octets.Length > Math.Clamp(maxSize, DnsMessage.ClassicUdpSize, DnsMessageWriter.MaxMessageSize)) return null;
        // The OPT record passed on is the upstream's own, or neither message has one.
        if (!ReferenceEquals(response.Opt, upstream.Opt)) return null;
        var header = octets.AsSpan();
        int an = BinaryPrimitives.ReadUInt16BigEndian(header[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(header[8..]);
        int ar = BinaryPrimitives.ReadUInt16BigEndian(header[10..]) - (upstream.Opt is null ? 0 : 1);
        // The filter removes records and never adds any: the same counts are the same records.
        var answers = response.Records(Section.Answer);
        var authorities = response.Records(Section.Authority);
        var additionals = response.Records(Section.Additional);
        if (answers.Length != an || authorities.Length != ns || additionals.Length != ar || offsets.Length != an + ns + ar) return null;
        if (response.QuestionsRead is not [var asked] || upstream.QuestionsRead is not [var echoed]) return null;
        if (asked.Type != echoed.Type || asked.Class != echoed.Class || asked.Name.Wire.Length != echoed.Name.Wire.Length || !asked.Name.Equals(echoed.Name)) return null;

        BinaryPrimitives.WriteUInt16BigEndian(header, response.Id);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], response.Flags);
        asked.Name.Wire.CopyTo(header[HeaderLength..]);
        int at = 0;
        foreach (var record in answers) BinaryPrimitives.WriteUInt32BigEndian(header[offsets[at++]..], record.Ttl);
        foreach (var record in authorities) BinaryPrimitives.WriteUInt32BigEndian(header[offsets[at++]..], record.Ttl);
        foreach (var record in additionals) BinaryPrimitives.WriteUInt32BigEndian(header[offsets[at++]..], record.Ttl);
        return octets;
    }
}
