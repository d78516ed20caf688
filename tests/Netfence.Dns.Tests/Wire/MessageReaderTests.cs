using Netfence.Dns.Tests.Support;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Tests.Wire;

public class MessageReaderTests
{
    static byte[] Header(ushort qd = 1, ushort an = 0, ushort ns = 0, ushort ar = 0) =>
        [0x12, 0x34, 0x01, 0x00, (byte)(qd >> 8), (byte)qd, (byte)(an >> 8), (byte)an, (byte)(ns >> 8), (byte)ns, (byte)(ar >> 8), (byte)ar];

    static DnsParseError Parse(byte[] bytes) => DnsMessageReader.TryParse(bytes, out _);

    [Fact]
    public void A_query_round_trips_with_its_opt_record()
    {
        var bytes = Queries.Bytes("Example.COM", DnsType.AAAA, 0xBEEF, edns: true);
        var message = Queries.Parse(bytes);
        Assert.Equal(0xBEEF, message.Id);
        Assert.Equal("example.com", message.Questions[0].Name.Text);
        Assert.Equal(DnsType.AAAA, message.Questions[0].Type);
        Assert.NotNull(message.Opt);
        Assert.Equal(1232, message.MaxUdpPayload);
        Assert.Equal(bytes, DnsMessageWriter.Write(message));
    }

    [Fact]
    public void Short_headers_and_truncated_questions_are_rejected()
    {
        Assert.Equal(DnsParseError.ShortHeader, Parse([1, 2, 3]));
        Assert.Equal(DnsParseError.Truncated, Parse([.. Header(), 3, (byte)'a', (byte)'b', (byte)'c', 0, 0]));
    }

    [Fact]
    public void Counts_larger_than_the_packet_are_rejected_before_allocating()
    {
        Assert.Equal(DnsParseError.CountsExceedMessage, Parse(Header(0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF)));
        Assert.Equal(DnsParseError.CountsExceedMessage, Parse([.. Header(2), 0, 0, 1, 0, 1]));
    }

    [Fact]
    public void A_pointer_to_itself_or_forwards_is_rejected()
    {
        // The name at offset 12 is a pointer to offset 12.
        Assert.Equal(DnsParseError.BadPointer, Parse([.. Header(), 0xC0, 12, 0, 1, 0, 1]));
        // A pointer forwards to offset 20.
        Assert.Equal(DnsParseError.BadPointer, Parse([.. Header(), 0xC0, 20, 0, 1, 0, 1, 0, 0, 0]));
        // A pointer into the header.
        Assert.Equal(DnsParseError.BadPointer, Parse([.. Header(), 1, (byte)'a', 0xC0, 2, 0, 1, 0, 1]));
    }

    [Fact]
    public void A_loop_through_a_backward_pointer_ends_at_the_length_limit()
    {
        // Question "a" at 12; the answer owner at 19 is label "b" then a pointer back to 19: "b.b.b...".
        // Pointers only go backwards, so the loop has to grow the name, and the 255-octet limit stops it.
        byte[] bytes = [.. Header(1, 1), 1, (byte)'a', 0, 0, 1, 0, 1, 1, (byte)'b', 0xC0, 19, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0];
        Assert.Equal(DnsParseError.NameTooLong, Parse(bytes));
    }

    [Fact]
    public void Backward_pointers_are_followed()
    {
        // Question "a" at 12; answer owner "x" + pointer to 12 ("x.a"), A 192.0.2.1.
        byte[] bytes = [.. Header(1, 1), 1, (byte)'a', 0, 0, 1, 0, 1, 1, (byte)'x', 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1];
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(bytes, out var message));
        Assert.Equal("x.a", message!.Answers[0].Name.Text);
        Assert.Equal("192.0.2.1", message.Answers[0].Address!.ToString());
    }

    [Fact]
    public void Reserved_label_types_are_rejected()
    {
        Assert.Equal(DnsParseError.BadLabelType, Parse([.. Header(), 0x40, 0, 1, 0, 1]));
        Assert.Equal(DnsParseError.BadLabelType, Parse([.. Header(), 0x80, 0, 1, 0, 1]));
    }

    [Fact]
    public void Names_over_255_octets_are_rejected_even_when_built_from_pointers()
    {
        var label = Enumerable.Repeat((byte)'a', 63).ToArray();
        var name = new List<byte>();
        for (int i = 0; i < 4; i++) name.AddRange([63, .. label]);
        name.Add(0);
        Assert.Equal(DnsParseError.NameTooLong, Parse([.. Header(), .. name, 0, 1, 0, 1]));
        // 3 labels of 63 (193 octets) then a pointer back to the same 193-octet name: 385 octets.
        var three = new List<byte>();
        for (int i = 0; i < 3; i++) three.AddRange([63, .. label]);
        byte[] bytes = [.. Header(2), .. three, 0, 0, 1, 0, 1, .. three, 0xC0, 12, 0, 1, 0, 1];
        Assert.Equal(DnsParseError.NameTooLong, Parse(bytes));
    }

    [Fact]
    public void A_records_of_the_wrong_length_and_names_overrunning_rdata_are_rejected()
    {
        byte[] badA = [.. Header(1, 1), 1, (byte)'a', 0, 0, 1, 0, 1, 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 3, 1, 2, 3];
        Assert.Equal(DnsParseError.BadRdata, Parse(badA));
        // CNAME whose RDATA length (2) cuts its target name ("bb" + root needs 4).
        byte[] badCname = [.. Header(1, 1), 1, (byte)'a', 0, 0, 1, 0, 1, 0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 2, (byte)'b', (byte)'b', 0];
        Assert.NotEqual(DnsParseError.None, Parse(badCname));
    }

    [Fact]
    public void Two_opt_records_and_trailing_octets_are_rejected()
    {
        byte[] opt = [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0];
        Assert.Equal(DnsParseError.BadOpt, Parse([.. Header(1, 0, 0, 2), 1, (byte)'a', 0, 0, 1, 0, 1, .. opt, .. opt]));
        Assert.Equal(DnsParseError.TrailingData, Parse([.. Header(), 1, (byte)'a', 0, 0, 1, 0, 1, 0xFF]));
    }

    [Fact]
    public void Labels_with_dots_or_binary_never_read_as_other_names()
    {
        // One label "evil.com" (with a dot inside) under "test".
        byte[] bytes = [.. Header(), 8, .. "evil.com"u8, 4, .. "test"u8, 0, 0, 1, 0, 1];
        var message = Queries.Parse(bytes);
        Assert.Equal("evil\\046com.test", message.Questions[0].Name.Text);
    }

    [Fact]
    public void An_oversize_answer_is_written_truncated_with_tc_set()
    {
        var message = Queries.Message("big.test");
        message.IsResponse = true;
        for (int i = 0; i < 40; i++)
            message.Answers.Add(new DnsRecord(message.Questions[0].Name, DnsType.TXT, 1, 60, [.. Enumerable.Repeat((byte)100, 101)]));
        var small = Queries.Parse(DnsMessageWriter.Write(message, 512));
        Assert.True(small.Truncated);
        Assert.Empty(small.Answers);
        Assert.Single(small.Questions);
        var full = Queries.Parse(DnsMessageWriter.Write(message));
        Assert.False(full.Truncated);
        Assert.Equal(40, full.Answers.Count);
    }
}

/// <summary>
/// An answer parsed against the question it answers takes that question and its name as they are, instead of copies,
/// where the octets are exactly the same; a name spelled otherwise (0x20 case) is a name of its own.
/// </summary>
public class ExpectedQuestionReaderTests
{
    static readonly DnsQuestion Asked = new(DnsName.Parse("www.example.com"), DnsType.A, DnsQuestion.ClassIn);

    static DnsMessage ParseAgainst(string echoed, DnsQuestion asked)
    {
        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(Answer(echoed), out var answer, keepWire: true, asked));
        return answer!;
    }

    static byte[] Answer(string echoed) => DnsMessageWriter.Write(new DnsMessage
    {
        Id = 7,
        Flags = 0x8180,
        Questions = [new DnsQuestion(DnsName.Parse(echoed), DnsType.A, DnsQuestion.ClassIn)],
        Answers =
        [
            DnsRecord.ForAddress(DnsName.Parse(echoed), System.Net.IPAddress.Parse("192.0.2.1"), 60),
            DnsRecord.ForAddress(DnsName.Parse("other.example"), System.Net.IPAddress.Parse("192.0.2.2"), 60),
        ],
    });

    [Fact]
    public void An_echoed_question_and_its_owner_names_are_the_asked_ones()
    {
        var answer = ParseAgainst("www.example.com", Asked);
        Assert.Same(Asked, answer.Questions[0]);
        Assert.Same(Asked.Name, answer.Answers[0].Name);
        Assert.NotSame(Asked.Name, answer.Answers[1].Name);
        Assert.Equal("other.example", answer.Answers[1].Name.Text);
    }

    [Fact]
    public void A_name_spelled_otherwise_or_a_question_of_another_type_is_parsed_as_its_own()
    {
        var answer = ParseAgainst("WWW.example.com", Asked);
        Assert.NotSame(Asked, answer.Questions[0]);
        Assert.NotSame(Asked.Name, answer.Answers[0].Name);
        Assert.Equal(Asked.Name, answer.Questions[0].Name);

        var aaaa = Asked with { Type = DnsType.AAAA };
        answer = ParseAgainst("www.example.com", aaaa);
        Assert.NotSame(aaaa, answer.Questions[0]);
        Assert.Equal(DnsType.A, answer.Questions[0].Type);
        Assert.Same(aaaa.Name, answer.Questions[0].Name);
    }
}
