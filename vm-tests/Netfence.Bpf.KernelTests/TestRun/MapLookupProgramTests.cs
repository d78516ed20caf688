using Netfence.Bpf.Asm;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;
using Netfence.Bpf.TestRun;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.TestRun;

public class MapLookupProgramTests
{
    const int MapLookupElem = 1;

    /// <summary>Returns value[key] of an array map, or 7 when the lookup misses.</summary>
    static Instruction[] LookupProgram(int mapFd, uint key) =>
    [
        Instruction.StoreImm(OpCodes.SizeW, Register.R10, -4, (int)key),
        Instruction.Mov64(Register.R2, Register.R10),
        Instruction.Alu64(OpCodes.Add, Register.R2, -4),
        Instruction.LoadMapFd(Register.R1, mapFd),
        Instruction.Call(MapLookupElem),
        Instruction.Jump(OpCodes.Jeq, Register.R0, 0, 2),
        Instruction.LoadMem(OpCodes.SizeW, Register.R0, Register.R0, 0),
        Instruction.Exit(),
        Instruction.Mov64(Register.R0, 7),
        Instruction.Exit(),
    ];

    [KernelTheory]
    [InlineData(ProgramType.SchedCls)]
    [InlineData(ProgramType.SocketFilter)]
    public void A_program_reads_the_map_value_through_the_relocated_fd(ProgramType type)
    {
        using var map = new BpfMap<uint, uint>(BpfMap.Create(MapSpec.Array(Maps.MapNames.Unique("v"), 4, 2)));
        map.Update(1, 42);
        using var prog = BpfProgram.Load(new ProgramSpec { Name = "nft_lookup", Type = type, Instructions = LookupProgram(map.Raw.Fd.Value, 1) });
        Assert.Equal(42u, ProgramTestRun.Run(prog, new byte[64]).ReturnValue);

        // The program sees user-space updates: the fd was relocated to this very map.
        map.Update(1, 1234);
        Assert.Equal(1234u, ProgramTestRun.Run(prog, new byte[64]).ReturnValue);
    }

    [KernelFact]
    public void A_missing_key_takes_the_miss_branch()
    {
        using var map = BpfMap<uint, uint>.CreateHash(Maps.MapNames.Unique("v"), 2);
        using var prog = BpfProgram.Load(new ProgramSpec { Name = "nft_miss", Type = ProgramType.SchedCls, Instructions = LookupProgram(map.Raw.Fd.Value, 5) });
        Assert.Equal(7u, ProgramTestRun.Run(prog, new byte[64]).ReturnValue);
        map.Update(5, 99);
        Assert.Equal(99u, ProgramTestRun.Run(prog, new byte[64]).ReturnValue);
    }
}
