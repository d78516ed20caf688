using Netfence.Dns.Wire;

namespace Netfence.Dns.Tests.Wire;

public sealed class MessageWriterCompressionTests
{
    [Fact]
    public void Names_point_at_suffixes_written_before_whatever_their_case_and_read_back_unchanged()
    {
        var question = DnsName.Parse("WwW.Example.COM");
        var message = new DnsMessage
        {
            Id = 7,
            Flags = 0x8180,
            Questions = [new DnsQuestion(question, DnsType.A, DnsQuestion.ClassIn)],
            Answers =
            [
                new DnsRecord(DnsName.Parse("www.example.com"), DnsType.CNAME, DnsQuestion.ClassIn, 60, DnsName.Parse("cdn.example.com").Wire.ToArray(), DnsName.Parse("cdn.example.com")),
                new DnsRecord(DnsName.Parse("cdn.example.com"), DnsType.A, DnsQuestion.ClassIn, 60, [192, 0, 2, 1]),
                new DnsRecord(DnsName.Parse("cdn.EXAMPLE.com"), DnsType.A, DnsQuestion.ClassIn, 60, [192, 0, 2, 2]),
                new DnsRecord(DnsName.Parse("other.org"), DnsType.A, DnsQuestion.ClassIn, 60, [192, 0, 2, 3]),
                new DnsRecord(DnsName.Parse("a.other.org"), DnsType.A, DnsQuestion.ClassIn, 60, [192, 0, 2, 4]),
            ],
        };

        var wire = DnsMessageWriter.Write(message);

        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(wire, out var parsed));
        Assert.True(question.Wire.SequenceEqual(parsed!.Questions[0].Name.Wire)); // the question keeps its spelling
        Assert.Equal(message.Answers.Select(r => r.Name), parsed.Answers.Select(r => r.Name));
        Assert.Equal(message.Answers.Select(r => r.Data.Length), parsed.Answers.Select(r => r.Data.Length));
        // Every owner name after the question is a pointer or a label and a pointer: far shorter than written out.
        int uncompressed = 12 + question.Wire.Length + 4 + message.Answers.Sum(r => r.Name.Wire.Length + 10 + r.Data.Length);
        Assert.True(wire.Length <= uncompressed - 50, $"{wire.Length} octets; uncompressed {uncompressed}");
    }

    [Fact]
    public void A_name_repeating_its_own_labels_is_not_compressed_against_itself()
    {
        var name = DnsName.Parse("a.a.a.example");
        var message = new DnsMessage { Questions = [new DnsQuestion(name, DnsType.A, DnsQuestion.ClassIn)] };

        var wire = DnsMessageWriter.Write(message);

        Assert.Equal(DnsParseError.None, DnsMessageReader.TryParse(wire, out var parsed));
        Assert.True(name.Wire.SequenceEqual(parsed!.Questions[0].Name.Wire));
        Assert.Equal(12 + name.Wire.Length + 4, wire.Length);
    }

    [Fact]
    public void A_query_is_written_into_a_caller_buffer_or_refused_when_it_does_not_fit()
    {
        var message = new DnsMessage { Id = 9, Questions = [new DnsQuestion(DnsName.Parse("example.com"), DnsType.AAAA, DnsQuestion.ClassIn)], Opt = DnsMessageWriter.MakeOpt(1232) };
        Span<byte> buffer = stackalloc byte[512];

        int length = DnsMessageWriter.TryWrite(message, buffer);

        Assert.True(buffer[..length].SequenceEqual(DnsMessageWriter.Write(message)));
        Assert.Equal(-1, DnsMessageWriter.TryWrite(message, buffer[..(length - 1)]));
    }
}
