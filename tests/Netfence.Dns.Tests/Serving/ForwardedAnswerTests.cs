using System.Buffers.Binary;
using System.Net;
using Netfence.Dns.Filtering;
using Netfence.Dns.Serving;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Tests.Serving;

/// <summary>
/// A forwarded answer the filter keeps whole goes out as the upstream's octets, patched; it must be exactly what
/// serialising the filtered answer gives, and anything the patch cannot express must go through the serialiser.
/// </summary>
public sealed class ForwardedAnswerTests
{
    const uint TtlCap = 3600;
    const int MaxUdpResponse = 1232;

    static readonly DnsName Asked = DnsName.Parse("wWw.ExAmple.com");
    static readonly DnsName Owner = DnsName.Parse("www.example.com");
    static readonly DnsName Edge = DnsName.Parse("edge.cdn.example.net");

    static DnsMessage Query(bool edns) => new()
    {
        Id = 0x1234,
        Flags = 0x0100,
        Questions = [new DnsQuestion(Asked, DnsType.A, DnsQuestion.ClassIn)],
        Opt = edns ? DnsMessageWriter.MakeOpt(4096) : null,
    };

    static DnsRecord Cname(DnsName from, DnsName to, uint ttl) => new(from, DnsType.CNAME, DnsQuestion.ClassIn, ttl, to.Wire.ToArray(), to);

    static DnsRecord A(DnsName owner, string address, uint ttl) => DnsRecord.ForAddress(owner, IPAddress.Parse(address), ttl);

    // What an upstream sends back: its own id, the question in lower case, RA unset, TTLs above the cap.
    static byte[] Upstream(bool edns, params DnsRecord[] answers) => DnsMessageWriter.Write(new DnsMessage
    {
        Id = 0xBEEF,
        Flags = 0x8100,
        Questions = [new DnsQuestion(Owner, DnsType.A, DnsQuestion.ClassIn)],
        Answers = [.. answers],
        Authorities = [new DnsRecord(DnsName.Parse("example.com"), DnsType.NS, DnsQuestion.ClassIn, 86400, DnsName.Parse("ns.example.com").Wire.ToArray(), DnsName.Parse("ns.example.com"))],
        Opt = edns ? DnsMessageWriter.MakeOpt(1232) : null,
    });

    // The server's steps for an allowed name: the response from the upstream's answer, the filter, the TTL cap.
    static (DnsMessage Response, DnsMessage Upstream) Answer(DnsMessage query, byte[] upstreamWire, bool keepWire)
    {
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(upstreamWire, out var upstream, keepWire));
        var response = DnsAttachment.ResponseFrom(query, upstream!, MaxUdpResponse);
        AnswerFilter.Apply(response, query.Questions[0], rebindingProtection: true, _ => false, maxAddresses: 64);
        DnsAttachment.CapTtls(response, TtlCap);
        return (response, upstream!);
    }

    static (byte[]? Patched, byte[] Serialised) Both(DnsMessage query, byte[] upstreamWire, int maxSize = MaxUdpResponse)
    {
        var (serialisedResponse, _) = Answer(query, upstreamWire, keepWire: false);
        var (response, upstream) = Answer(query, upstreamWire, keepWire: true);
        return (ForwardedAnswer.TryPatch(response, upstream, maxSize), DnsMessageWriter.Write(serialisedResponse, maxSize));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_answer_kept_whole_is_the_upstreams_octets_patched_and_byte_identical_to_the_serialised_answer(bool edns)
    {
        var upstream = Upstream(edns, Cname(Owner, Edge, 7200), A(Edge, "93.184.216.34", 20), A(Edge, "93.184.216.35", 86400));
        var (patched, serialised) = Both(Query(edns), upstream);

        Assert.NotNull(patched);
        Assert.Equal(serialised, patched);
        // What the client sees: its id, its spelling of the name, RA, no TTL above the cap.
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(patched, out var seen));
        Assert.Equal(0x1234, seen!.Id);
        Assert.True(seen.RecursionAvailable);
        Assert.Equal(Asked.Wire.ToArray(), seen.Questions[0].Name.Wire.ToArray());
        Assert.Equal([TtlCap, 20u, TtlCap], seen.Answers.Select(r => r.Ttl));
    }

    [Fact]
    public void Records_the_filter_removes_send_the_answer_through_the_serialiser()
    {
        // An address record off the CNAME chain (pitfall 17), and an internal address (pitfall 18).
        var offChain = Upstream(true, Cname(Owner, Edge, 60), A(Edge, "93.184.216.34", 60), A(DnsName.Parse("evil.example"), "198.51.100.7", 60));
        var rebinding = Upstream(true, A(Owner, "93.184.216.34", 60), A(Owner, "169.254.169.254", 60));
        foreach (var upstream in new[] { offChain, rebinding })
        {
            var (patched, serialised) = Both(Query(true), upstream);
            Assert.Null(patched);
            Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(serialised, out var seen));
            Assert.Equal(["93.184.216.34"], seen!.Answers.Where(r => r.Address is not null).Select(r => r.Address!.ToString()));
        }
    }

    [Theory]
    [InlineData(true, false)]  // the client used EDNS(0), the upstream answered without: the serialiser adds an OPT record
    [InlineData(false, true)]  // the upstream added an OPT record the client did not ask for: the serialiser drops it
    public void An_OPT_record_that_differs_from_the_upstreams_sends_the_answer_through_the_serialiser(bool clientEdns, bool upstreamEdns)
    {
        var (patched, serialised) = Both(Query(clientEdns), Upstream(upstreamEdns, A(Owner, "93.184.216.34", 60)));
        Assert.Null(patched);
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(serialised, out var seen));
        Assert.Equal(clientEdns, seen!.Opt is not null);
    }

    [Fact]
    public void An_answer_longer_than_the_client_takes_goes_through_the_serialiser_which_truncates_it()
    {
        var many = Enumerable.Range(1, 60).Select(i => A(Owner, $"93.184.{i}.1", 60)).ToArray();
        var (patched, serialised) = Both(Query(false), Upstream(false, many), maxSize: DnsMessage.ClassicUdpSize);
        Assert.Null(patched);
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(serialised, out var seen));
        Assert.True(seen!.Truncated);
    }

    [Fact]
    public void An_answer_read_without_its_octets_goes_through_the_serialiser()
    {
        var (response, upstream) = Answer(Query(true), Upstream(true, A(Owner, "93.184.216.34", 60)), keepWire: false);
        Assert.Null(ForwardedAnswer.TryPatch(response, upstream, MaxUdpResponse));
    }

    [Fact]
    public void An_upstreams_own_compression_is_kept_and_means_the_same_answer()
    {
        // As dnsmasq writes it: the CNAME's target compressed against the question ("edge" + pointer to "example.com").
        var wire = new List<byte>();
        void U16(int v) { wire.Add((byte)(v >> 8)); wire.Add((byte)v); }
        void U32(uint v) { U16((int)(v >> 16)); U16((int)(v & 0xFFFF)); }
        U16(0xBEEF); U16(0x8180); U16(1); U16(2); U16(0); U16(0);
        wire.AddRange(Owner.Wire.ToArray()); // at 12: 3www 7example 3com 0; "example.com" starts at 16
        U16((int)DnsType.A); U16(DnsQuestion.ClassIn);
        U16(0xC00C); U16((int)DnsType.CNAME); U16(DnsQuestion.ClassIn); U32(7200); U16(7);
        int edgeAt = wire.Count;
        wire.AddRange([4, (byte)'e', (byte)'d', (byte)'g', (byte)'e']); U16(0xC010);
        U16(0xC000 | edgeAt); U16((int)DnsType.A); U16(DnsQuestion.ClassIn); U32(60); U16(4); wire.AddRange([93, 184, 216, 34]);
        var upstream = wire.ToArray();

        var (patched, serialised) = Both(Query(false), upstream);

        Assert.NotNull(patched);
        Assert.Equal(upstream.Length, patched.Length);
        Assert.Equal(0x1234, BinaryPrimitives.ReadUInt16BigEndian(patched));
        // Different octets (the serialiser writes names inside RDATA in full), the same message. Names compare without
        // case, as DNS compares them: a pointer into the question now reads the client's spelling of that suffix.
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(patched, out var fromPatch));
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(serialised, out var fromSerialiser));
        Assert.Equal(Records(fromSerialiser!), Records(fromPatch!));
        Assert.Equal([TtlCap, 60u], fromPatch!.Answers.Select(r => r.Ttl));
        Assert.Equal(Asked.Wire.ToArray(), fromPatch.Questions[0].Name.Wire.ToArray());

        static List<string> Records(DnsMessage m) =>
            [.. m.Answers.Concat(m.Authorities).Concat(m.Additionals).Select(r => $"{r.Name.Text.ToLowerInvariant()} {r.Type} {r.Class} {r.Ttl} {r.Target?.Text.ToLowerInvariant()} {r.Address}")];
    }
}
