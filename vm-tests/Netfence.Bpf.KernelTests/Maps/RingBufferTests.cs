using Netfence.Bpf.Asm;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;
using Netfence.Bpf.TestRun;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Maps;

public class RingBufferTests
{
    const int RingbufOutput = 130, RingbufReserve = 131, RingbufDiscard = 133;

    /// <summary>
    /// Reserves 8 bytes and discards them, then outputs an 8-byte record
    /// {0x11223344, 0x55667788} copied from the stack: the reader must skip the discarded record.
    /// </summary>
    static Instruction[] Program(int mapFd) =>
    [
        Instruction.LoadMapFd(Register.R1, mapFd),
        Instruction.Mov64(Register.R2, 8),
        Instruction.Mov64(Register.R3, 0),
        Instruction.Call(RingbufReserve),
        Instruction.Jump(OpCodes.Jeq, Register.R0, 0, 3),
        Instruction.Mov64(Register.R1, Register.R0),
        Instruction.Mov64(Register.R2, 0),
        Instruction.Call(RingbufDiscard),
        Instruction.StoreImm(OpCodes.SizeW, Register.R10, -8, 0x11223344),
        Instruction.StoreImm(OpCodes.SizeW, Register.R10, -4, 0x55667788),
        Instruction.LoadMapFd(Register.R1, mapFd),
        Instruction.Mov64(Register.R2, Register.R10),
        Instruction.Alu64(OpCodes.Add, Register.R2, -8),
        Instruction.Mov64(Register.R3, 8),
        Instruction.Mov64(Register.R4, 0),
        Instruction.Call(RingbufOutput),
        Instruction.Exit(),
    ];

    [KernelFact]
    public void Records_written_by_a_program_are_read_and_discarded_ones_skipped()
    {
        using var ring = BpfMap.Create(MapSpec.RingBuffer(MapNames.Unique("rb"), 4096 * 4));
        using var reader = new RingBufferReader(ring);
        using var prog = BpfProgram.Load(new ProgramSpec { Name = "nft_rb_out", Type = ProgramType.SchedCls, Instructions = Program(ring.Fd.Value) });

        Assert.Empty(reader.ReadAll());
        const int runs = 3;
        for (int i = 0; i < runs; i++)
            Assert.Equal(0u, ProgramTestRun.Run(prog, new byte[64]).ReturnValue);

        Assert.True(reader.WaitForData(TimeSpan.FromSeconds(5)));
        var records = reader.ReadAll();
        Assert.Equal(runs, records.Count);
        Assert.All(records, r => Assert.Equal(new byte[] { 0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55 }, r));
        Assert.Equal(0ul, reader.Pending);
        Assert.Empty(reader.ReadAll());
    }

    [KernelFact]
    public void Reading_keeps_up_across_the_wrap_of_the_data_area()
    {
        // 4 KiB of records is 256 of 16 bytes (8 header + 8 data): 1000 records wrap it several times.
        using var ring = BpfMap.Create(MapSpec.RingBuffer(MapNames.Unique("rb"), 4096));
        using var reader = new RingBufferReader(ring);
        using var prog = BpfProgram.Load(new ProgramSpec { Name = "nft_rb_wrap", Type = ProgramType.SchedCls, Instructions = Program(ring.Fd.Value) });
        int total = 0;
        for (int i = 0; i < 1000; i++)
        {
            ProgramTestRun.Run(prog, new byte[64]);
            total += reader.Read(r => Assert.Equal(8, r.Length));
        }
        Assert.Equal(1000, total);
    }

    [KernelFact]
    public void Reader_refuses_a_map_that_is_not_a_ring_buffer()
    {
        using var map = BpfMap.Create(MapSpec.Array(MapNames.Unique("a"), 4, 1));
        Assert.Contains("not a ring buffer", Assert.Throws<ArgumentException>(() => new RingBufferReader(map)).Message);
    }
}
