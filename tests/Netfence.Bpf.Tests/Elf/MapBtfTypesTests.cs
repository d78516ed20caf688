using Netfence.Bpf.Btf;
using Netfence.Bpf.Elf;
using Netfence.KernelTesting;

namespace Netfence.Bpf.Tests.Elf;

public class MapBtfTypesTests
{
    static CollectionSpec Counter() => BpfObjectReader.Read(ReferenceObjects.Compile("counter.c"));

    [Fact]
    public void A_map_defined_with_type_members_is_created_with_its_key_and_value_types()
    {
        var spec = Counter();
        var (key, value) = MapBtfTypes.For(spec.Btf, spec.Maps["nf_counts"])!.Value;
        Assert.Equal(("__u32", "__u64"), (spec.Btf![key].Name, spec.Btf[value].Name));
    }

    [Fact]
    public void A_map_defined_with_sizes_only_has_no_types_to_pass() =>
        Assert.Null(MapBtfTypes.For(Counter().Btf, Counter().Maps["nf_last"]));

    [Theory]
    [InlineData(".rodata")]
    [InlineData(".data")]
    [InlineData(".bss")]
    public void A_data_section_is_typed_by_its_datasec_without_a_key(string section)
    {
        var spec = Counter();
        var (key, value) = MapBtfTypes.For(spec.Btf, spec.Maps[section])!.Value;
        Assert.Equal(0u, key);
        Assert.Equal(section, Assert.IsType<BtfDatasec>(spec.Btf![value]).Name);
    }
}
