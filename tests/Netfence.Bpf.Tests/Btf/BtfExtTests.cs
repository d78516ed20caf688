using Netfence.Bpf.Btf;

namespace Netfence.Bpf.Tests.Btf;

public class BtfExtTests
{
    static BtfExtInfo Sample()
    {
        var ext = new BtfExtInfo();
        ext.FuncInfo["tc"] = [new(0, 16), new(224, 16)];
        ext.FuncInfo[".text"] = [new(0, 16)];
        ext.LineInfo["tc"] =
        [
            new(0, "counter.c", "int classify(struct __sk_buff *skb)", 40, 5),
            new(16, "counter.c", "    return verdict;", 45, 12),
        ];
        return ext;
    }

    [Fact]
    public void Func_and_line_info_survive_a_round_trip_through_the_shared_string_table()
    {
        var strings = new BtfStringTable();
        var extBytes = BtfExtWriter.Write(Sample(), strings);
        var btfBytes = BtfWriter.Write(BtfRoundTripTests.EveryKind(), strings);

        BtfReader.Read(btfBytes, out var readStrings);
        var read = BtfExtReader.Read(extBytes, readStrings);

        Assert.Equal(Sample().FuncInfo["tc"], read.FuncInfo["tc"]);
        Assert.Equal(Sample().FuncInfo[".text"], read.FuncInfo[".text"]);
        Assert.Equal(Sample().LineInfo["tc"], read.LineInfo["tc"]);
        Assert.Equal(extBytes, BtfExtWriter.Write(read, new BtfStringTable()));
    }

    [Theory]
    [InlineData(1u, 0u)]
    [InlineData(45u, 12u)]
    [InlineData(BtfLineInfo.MaxLine, BtfLineInfo.MaxColumn)]
    public void Line_and_column_pack_as_the_kernel_unpacks_them(uint line, uint column)
    {
        var packed = BtfLineInfo.PackLineCol(line, column);
        Assert.Equal(line, packed >> 10);
        Assert.Equal(column, packed & 0x3ff);
        Assert.Equal((line, column), BtfLineInfo.UnpackLineCol(packed));
    }

    [Fact]
    public void Columns_past_the_field_clamp_and_lines_past_it_are_rejected()
    {
        Assert.Equal(0x3ffu, BtfLineInfo.PackLineCol(1, 5000) & 0x3ff);
        Assert.Throws<ArgumentOutOfRangeException>(() => BtfLineInfo.PackLineCol(BtfLineInfo.MaxLine + 1, 0));
    }

    [Fact]
    public void Truncated_ext_gives_a_format_error()
    {
        var strings = new BtfStringTable();
        var extBytes = BtfExtWriter.Write(Sample(), strings);
        BtfReader.Read(BtfWriter.Write(new BtfSpec(), strings), out var table);
        for (int len = 0; len < extBytes.Length; len++)
            Assert.Throws<BtfFormatException>(() => BtfExtReader.Read(extBytes[..len], table));
    }
}
