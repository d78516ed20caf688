using Netfence.Daemon.Attachments;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>The record by which a restarted netfenced finds a netlink filter: it reads back what it wrote, and nothing else.</summary>
public sealed class TcFilterRecordTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_record_reads_back_as_written(bool createdQdisc)
    {
        var record = new TcFilterRecord(42, 20000, 0x4E46, TcFilterRecord.FilterName("3f2a"), createdQdisc);
        Assert.Equal(record, TcFilterRecord.Parse(record.ToString()));
        Assert.Equal($"ifindex=42 prio=20000 handle=0x4e46 qdisc={(createdQdisc ? "ours" : "theirs")} name=netfence-3f2a", record.ToString());
    }

    [Theory]
    [InlineData("", "has no handle")]
    [InlineData("ifindex=1 prio=2 handle=0x3 qdisc=ours", "has no name")]
    [InlineData("ifindex=x prio=2 handle=0x3 qdisc=ours name=n", "is malformed")]
    [InlineData("ifindex=0 prio=2 handle=0x3 qdisc=ours name=n", "must be positive")]
    [InlineData("ifindex=1 prio=70000 handle=0x3 qdisc=ours name=n", "is malformed")]
    [InlineData("ifindex=1 prio=2 handle=3 qdisc=ours name=n", "not hexadecimal")]
    [InlineData("ifindex=1 prio=2 handle=0x3 qdisc=maybe name=n", "not ours or theirs")]
    [InlineData("ifindex=1 ifindex=2 prio=2 handle=0x3 qdisc=ours name=n", "repeated field 'ifindex=2'")]
    [InlineData("ifindex=1 prio=2 handle=0x3 qdisc=ours name=n junk", "malformed or repeated field 'junk'")]
    public void A_malformed_record_is_refused_quoting_it(string text, string problem)
    {
        var e = Assert.Throws<FormatException>(() => TcFilterRecord.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains(problem, e.Message);
    }
}
