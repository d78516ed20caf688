using Netfence.Bpf.Btf;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Btf;

public class BtfLoadTests
{
    [KernelFact]
    public void Btf_built_from_the_model_loads()
    {
        var spec = new BtfSpec();
        var u32 = spec.Add(new BtfInt("unsigned int", 4, BtfIntEncoding.None, 0, 32));
        var proto = spec.Add(new BtfFuncProto(u32, [new("ctx", spec.Add(new BtfPointer(0)))]));
        spec.Add(new BtfFunc("classify", proto, BtfLinkage.Global));
        spec.Add(new BtfStruct("flow", 8, [new("addr", u32, 0), new("port", u32, 32)]));
        using var fd = BtfLoader.Load(BtfWriter.Write(spec));
        Assert.False(fd.IsInvalid);
    }

    [KernelFact]
    public void Rejected_btf_carries_the_kernel_log()
    {
        var spec = new BtfSpec();
        // A pointer to a type id that does not exist.
        spec.Add(new BtfPointer(42));
        var ex = Assert.Throws<BtfLoadException>(() => BtfLoader.Load(BtfWriter.Write(spec)));
        Assert.Contains("Invalid type_id", ex.Log);
        Assert.Contains("Invalid type_id", ex.Message);
    }
}
