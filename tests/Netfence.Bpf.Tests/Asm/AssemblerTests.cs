using Netfence.Bpf.Asm;

namespace Netfence.Bpf.Tests.Asm;

public class AssemblerTests
{
    [Fact]
    public void Jump_offsets_count_slots_including_two_slot_loads()
    {
        var asm = new Assembler();
        var end = asm.DefineLabel();
        asm.Jump(OpCodes.Jeq, Register.R1, 0, end)
           .Emit(Instruction.LoadImm64(Register.R2, 1L << 40), Instruction.Mov64(Register.R0, 1))
           .Mark(end)
           .Emit(Instruction.Exit());
        var code = asm.Build();
        // The LD_IMM64 takes two slots and the mov one: the jump skips three slots.
        Assert.Equal(3, code[0].Offset);
    }

    [Fact]
    public void Backward_jumps_are_negative()
    {
        var asm = new Assembler();
        var top = asm.DefineLabel();
        asm.Mark(top).Emit(Instruction.Mov64(Register.R0, 0)).Goto(top);
        Assert.Equal(-2, asm.Build()[1].Offset);
    }

    [Fact]
    public void An_unplaced_label_is_a_clear_error()
    {
        var asm = new Assembler();
        asm.Goto(asm.DefineLabel());
        Assert.Contains("never placed", Assert.Throws<InvalidOperationException>(() => asm.Build()).Message);
    }
}
