using System.Runtime.InteropServices;

namespace Netfence.Dns.Wire;

/// <summary>
/// A parsed DNS message. The EDNS(0) OPT pseudo-record is kept apart in <see cref="Opt"/> (its class is
/// the sender's UDP payload size and its TTL the extended flags), so that it is passed through rather
/// than treated as data.
/// </summary>
public sealed class DnsMessage
{
    /// <summary>The smallest UDP payload every client accepts.</summary>
    public const int ClassicUdpSize = 512;

    /// <summary>The transaction id.</summary>
    public ushort Id { get; set; }

    /// <summary>The header flags word (QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode).</summary>
    public ushort Flags { get; set; }

    // Each section's list is made when first asked for: most sections of most messages are empty (a query has only its
    // question, an answer usually no authority or additional records), and every forwarded query handles four messages.
    List<DnsQuestion>? _questions;
    List<DnsRecord>? _answers, _authorities, _additionals;

    /// <summary>The question section.</summary>
    public List<DnsQuestion> Questions { get => _questions ??= []; init => _questions = value; }

    /// <summary>The answer section.</summary>
    public List<DnsRecord> Answers { get => _answers ??= []; init => _answers = value; }

    /// <summary>The authority section.</summary>
    public List<DnsRecord> Authorities { get => _authorities ??= []; init => _authorities = value; }

    /// <summary>The additional section without the OPT record.</summary>
    public List<DnsRecord> Additionals { get => _additionals ??= []; init => _additionals = value; }

    /// <summary>A section's records to read, with nothing made for an empty one.</summary>
    internal ReadOnlySpan<DnsRecord> Records(Section section) => CollectionsMarshal.AsSpan(section switch
    {
        Section.Answer => _answers,
        Section.Authority => _authorities,
        _ => _additionals,
    });

    /// <summary>The question section to read, with nothing made when it is empty.</summary>
    internal ReadOnlySpan<DnsQuestion> QuestionsRead => CollectionsMarshal.AsSpan(_questions);

    /// <summary>Sets every section at once; null leaves a section empty until it is asked for (the reader's way in).</summary>
    internal void SetSections(List<DnsQuestion>? questions, List<DnsRecord>? answers, List<DnsRecord>? authorities, List<DnsRecord>? additionals)
    {
        _questions = questions;
        _answers = answers;
        _authorities = authorities;
        _additionals = additionals;
    }

    /// <summary>Takes <paramref name="source"/>'s record sections as they are (the same lists, or none where it has none).</summary>
    internal void ShareRecordsOf(DnsMessage source)
    {
        _answers = source._answers;
        _authorities = source._authorities;
        _additionals = source._additionals;
    }

    /// <summary>The OPT pseudo-record, if the sender used EDNS(0).</summary>
    public DnsRecord? Opt { get; set; }

    /// <summary>The octets this message was parsed from, when the reader was asked to keep them.</summary>
    internal ReceivedWire? Received { get; set; }

    /// <summary>Whether this is a response.</summary>
    public bool IsResponse { get => (Flags & 0x8000) != 0; set => SetBit(0x8000, value); }

    /// <summary>The opcode (0 = QUERY).</summary>
    public int Opcode => (Flags >> 11) & 0xF;

    /// <summary>Authoritative answer.</summary>
    public bool Authoritative { get => (Flags & 0x0400) != 0; set => SetBit(0x0400, value); }

    /// <summary>Truncated: the answer did not fit and the client should retry over TCP.</summary>
    public bool Truncated { get => (Flags & 0x0200) != 0; set => SetBit(0x0200, value); }

    /// <summary>Recursion desired.</summary>
    public bool RecursionDesired { get => (Flags & 0x0100) != 0; set => SetBit(0x0100, value); }

    /// <summary>Recursion available.</summary>
    public bool RecursionAvailable { get => (Flags & 0x0080) != 0; set => SetBit(0x0080, value); }

    /// <summary>Checking disabled (DNSSEC).</summary>
    public bool CheckingDisabled { get => (Flags & 0x0010) != 0; set => SetBit(0x0010, value); }

    /// <summary>The response code (low four bits).</summary>
    public DnsRcode Rcode
    {
        get => (DnsRcode)(Flags & 0xF);
        set => Flags = (ushort)((Flags & ~0xF) | ((int)value & 0xF));
    }

    /// <summary>The UDP payload the sender accepts: its OPT record's class, at least 512.</summary>
    public int MaxUdpPayload => Opt is { } opt ? Math.Max(ClassicUdpSize, (int)opt.Class) : ClassicUdpSize;

    void SetBit(int bit, bool value) => Flags = (ushort)(value ? Flags | bit : Flags & ~bit);

    /// <summary>
    /// A response skeleton for <paramref name="query"/>: same id, opcode, RD and CD, the question echoed as
    /// the client spelled it, and an OPT record if the query had one (advertising <paramref name="udpPayload"/>).
    /// </summary>
    public static DnsMessage ResponseTo(DnsMessage query, DnsRcode rcode, int udpPayload = 1232)
    {
        var response = new DnsMessage
        {
            Id = query.Id,
            Flags = (ushort)(0x8000 | (query.Flags & 0x7800) | (query.Flags & 0x0110) | 0x0080),
            Questions = [.. query.Questions],
        };
        response.Rcode = rcode;
        if (query.Opt is not null) response.Opt = DnsMessageWriter.MakeOpt(udpPayload);
        return response;
    }
}

/// <summary>The record sections of a message, in wire order.</summary>
internal enum Section
{
    Answer,
    Authority,
    Additional,
}
