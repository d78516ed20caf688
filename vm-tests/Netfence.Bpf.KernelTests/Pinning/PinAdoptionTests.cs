using Netfence.Sandbox;
using Netfence.Bpf.Info;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Pinning;
using Netfence.Bpf.Programs;
using Netfence.Bpf.TestRun;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Pinning;

public class PinAdoptionTests
{
    [KernelFact]
    public void Pins_made_by_an_exited_process_are_adopted_here()
    {
        var objectPath = ReferenceObjects.Compile("counter.c");
        using var pins = new PinScratch();
        var probe = Path.Combine(AppContext.BaseDirectory, "Netfence.Bpf.PinProbe.dll");
        var output = Command.Run("dotnet", probe, "create", objectPath, pins.Path);
        Assert.Contains("classify returned 2", output);

        // The creating process is gone; the pins kept the map and program alive.
        using var counts = ObjectPin.OpenMap(pins["nf_counts"]);
        using var classify = ObjectPin.OpenProgram(pins["classify"]);
        Assert.Equal(MapType.Hash, counts.Spec.Type);
        Assert.Equal("nf_counts", counts.Name);
        Assert.Equal(ProgramType.SchedCls, classify.Type);
        Assert.Equal("classify", classify.Name);

        var value = new byte[8];
        Assert.True(counts.TryLookup(BitConverter.GetBytes(7u), value));
        Assert.Equal(1ul, BitConverter.ToUInt64(value));
        Assert.Equal(2u, ProgramTestRun.Run(classify, new byte[64]).ReturnValue);
        Assert.True(counts.TryLookup(BitConverter.GetBytes(7u), value));
        Assert.Equal(2ul, BitConverter.ToUInt64(value));
        Assert.Contains(ObjectInfo.Map(counts.Fd).Id, ObjectInfo.Program(classify.Fd).MapIds);
    }

    [KernelFact]
    public void Opening_a_pin_as_the_wrong_kind_is_a_clear_error()
    {
        using var pins = new PinScratch();
        using (var prog = BpfProgram.Load(new ProgramSpec
               {
                   Name = "nft_ret0", Type = ProgramType.SocketFilter,
                   Instructions = [Asm.Instruction.Mov64(Asm.Register.R0, 0), Asm.Instruction.Exit()],
               }))
            ObjectPin.Pin(prog, pins["prog"]);
        var ex = Assert.Throws<InvalidOperationException>(() => ObjectPin.OpenMap(pins["prog"]));
        Assert.Contains("is a program, not a map", ex.Message);
        Assert.True(ObjectPin.Unpin(pins["prog"]));
        Assert.False(ObjectPin.Unpin(pins["prog"]));
    }

    [KernelFact]
    public void Bpffs_is_found_or_mounted_and_pin_directories_must_lie_on_it()
    {
        var root = BpfFs.EnsureMounted();
        Assert.Contains(root, BpfFs.MountPoints());
        Assert.True(BpfFs.IsOnBpfFs(Path.Combine(root, "x")));
        Assert.False(BpfFs.IsOnBpfFs("/tmp"));
        var ex = Assert.Throws<ArgumentException>(() => PinDirectory.Create(Path.Combine(Path.GetTempPath(), "nft-not-bpffs")));
        Assert.Contains("not on a bpffs mount", ex.Message);
    }
}
