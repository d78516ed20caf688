using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Tests.Maps;

public class PerCpuLayoutTests
{
    [Theory]
    [InlineData(1, 8)]
    [InlineData(4, 8)]
    [InlineData(8, 8)]
    [InlineData(9, 16)]
    [InlineData(12, 16)]
    [InlineData(16, 16)]
    public void Each_cpu_slot_is_rounded_up_to_eight_bytes(int valueSize, int stride)
    {
        Assert.Equal(stride, PerCpuLayout.Stride(valueSize));
        Assert.Equal(stride * 3, PerCpuLayout.BufferSize(valueSize, 3));
    }

    [Fact]
    public void Join_pads_and_split_reads_back()
    {
        var buffer = new byte[PerCpuLayout.BufferSize(4, 3)];
        buffer.AsSpan().Fill(0xAA);
        PerCpuLayout.Join<uint>([1, 2, 0x01020304], buffer);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 4, 3, 2, 1, 0, 0, 0, 0 }, buffer);
        Assert.Equal(new uint[] { 1, 2, 0x01020304 }, PerCpuLayout.Split<uint>(buffer, 3));
    }

    [Fact]
    public void Wrong_buffer_size_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => PerCpuLayout.Split<uint>(new byte[12], 2));
        Assert.Contains("is 16 bytes, got 12", e.Message);
    }

    [Theory]
    [InlineData("0-1\n", 2)]
    [InlineData("0", 1)]
    [InlineData("0-3,5-7", 7)]
    [InlineData("0,2,4", 3)]
    [InlineData("0-127", 128)]
    public void Possible_cpu_list_is_counted(string text, int count) => Assert.Equal(count, PossibleCpus.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("3-1")]
    [InlineData("a-b")]
    [InlineData("0-1-2")]
    public void Malformed_cpu_list_is_refused(string text) => Assert.Throws<FormatException>(() => PossibleCpus.Parse(text));

    [Fact]
    public void This_machine_has_at_least_one_possible_cpu() => Assert.True(PossibleCpus.Count >= 1);
}
