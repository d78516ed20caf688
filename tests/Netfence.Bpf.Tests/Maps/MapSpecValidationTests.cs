using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Tests.Maps;

public class MapSpecValidationTests
{
    [Theory]
    [InlineData(4096u)]
    [InlineData(256u * 1024)]
    public void Ring_buffer_accepts_power_of_two_page_multiples(uint size) => MapSpec.RingBuffer("nft_rb", size).Validate();

    [Theory]
    [InlineData(0u)]
    [InlineData(1000u)]
    [InlineData(2048u)]
    [InlineData(12288u)]
    public void Ring_buffer_rejects_other_sizes(uint size)
    {
        var e = Assert.Throws<ArgumentException>(() => MapSpec.RingBuffer("nft_rb", size));
        Assert.Contains($"ring buffer 'nft_rb' size {size} must be a power of two and a multiple of the page size", e.Message);
    }

    [Fact]
    public void Name_with_characters_the_kernel_refuses_is_rejected_not_rewritten()
    {
        var e = Assert.Throws<ArgumentException>(() => MapSpec.Hash("bad-name", 4, 4, 1).Validate());
        Assert.Contains("map name 'bad-name' contains '-'", e.Message);
    }

    [Fact]
    public void Lpm_trie_without_no_prealloc_is_rejected()
    {
        var spec = new MapSpec { Name = "t", Type = MapType.LpmTrie, KeySize = 8, ValueSize = 4, MaxEntries = 1 };
        Assert.Contains("NoPrealloc", Assert.Throws<ArgumentException>(spec.Validate).Message);
    }

    [Fact]
    public void Zero_sizes_are_rejected()
    {
        Assert.Contains("max_entries must be at least 1", Assert.Throws<ArgumentException>(() => MapSpec.Hash("h", 4, 4, 0).Validate()).Message);
        Assert.Contains("non-zero value size", Assert.Throws<ArgumentException>(() => MapSpec.Hash("h", 4, 0, 1).Validate()).Message);
    }
}
