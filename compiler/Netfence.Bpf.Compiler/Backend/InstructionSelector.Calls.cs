using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Backend;

// Helper calls: scalar helpers and map helpers (map pointer in r1 by relocation, frame pointers, null checks).
internal sealed partial class InstructionSelector
{
    static readonly Register[] Arguments = [Register.R1, Register.R2, Register.R3, Register.R4, Register.R5];

    void SelectHelperCall(HelperCallInstruction h)
    {
        for (int k = 0; k < h.Operands.Length; k++)
            MoveInto(Arguments[k], h.Operands[k], h.Operands[k].Register?.Width ?? Width.W64);
        Add(Instruction.Call(h.HelperId));
        if (h.Destination is { } dst)
        {
            // Keep the invariant that a 32-bit value has a zero upper half whatever the helper left there.
            if (dst.Width == Width.W32) AluReg(Mov, Width.W32, Register.R0, Register.R0);
            Commit(dst, Register.R0);
        }
    }

    void SelectFunctionCall(FunctionCallInstruction f)
    {
        int scalar = 0;
        for (int k = 0; k < f.Arguments.Count; k++)
        {
            if (f.Arguments[k].Address is { } address)
            {
                Add(Instruction.Mov64(Arguments[k], Register.R10));
                AluImm(OpCodes.Add, Width.W64, Arguments[k], address.FrameOffset);
            }
            else
            {
                var operand = f.ScalarOperand(scalar++);
                MoveInto(Arguments[k], operand, operand.Register?.Width ?? Width.W64);
            }
        }
        // BPF_PSEUDO_CALL with imm -1, relocated (R_BPF_64_32) against the callee's symbol.
        Add(new Instruction((byte)(ClassJmp | Call), 0, (Register)PseudoCall, 0, -1, f.Function));
        if (f.Destination is { } dst)
        {
            if (dst.Width == Width.W32) AluReg(Mov, Width.W32, Register.R0, Register.R0);
            Commit(dst, Register.R0);
        }
    }

    void SelectMapHelper(MapHelperInstruction m)
    {
        int scalar = 0;
        for (int k = 0; k < m.Arguments.Count; k++)
        {
            var target = Arguments[k + 1];
            if (m.Arguments[k].Address is { } address)
            {
                Add(Instruction.Mov64(target, Register.R10));
                AluImm(OpCodes.Add, Width.W64, target, address.FrameOffset);
            }
            else
            {
                MoveInto(target, m.ScalarOperand(scalar++), Width.W64);
            }
        }
        // The map: LD_IMM64 relocated against the map's symbol in .maps.
        Add(new Instruction(LdImm64, Register.R1, 0, 0, 0, m.Map));
        Add(Instruction.Call(m.HelperId));
        switch (m.Shape)
        {
            case MapHelperShape.LookupCopy:
            {
                int miss = NewLabel(), done = NewLabel();
                Add(Instruction.Jump(Jeq, Register.R0, 0, 0), miss);
                var output = m.Output!.Value.FrameOffset;
                Copy(Register.R10, output, Register.R0, 0, m.OutputSize, Register.R1);
                if (m.Destination is not null) LoadConstant(Register.R0, 1, Width.W32);
                Jump(done);
                Label(miss);
                // .NET's TryLookup leaves default in the out value when the key is missing.
                Zero(output, m.OutputSize, Register.R1);
                if (m.Destination is not null) LoadConstant(Register.R0, 0, Width.W32);
                Label(done);
                break;
            }
            case MapHelperShape.LookupAdd:
            {
                int miss = NewLabel(), done = NewLabel();
                Add(Instruction.Jump(Jeq, Register.R0, 0, 0), miss);
                MoveInto(Register.R1, m.ScalarOperand(0), Width.W64);
                // BPF_STX | BPF_ATOMIC | BPF_DW with imm BPF_ADD: lock *(u64 *)(r0 + 0) += r1.
                Add(new Instruction((byte)(ClassStx | ModeAtomic | SizeDW), Register.R0, Register.R1, 0, OpCodes.Add));
                if (m.Destination is null)
                {
                    // Nobody reads whether the add happened: the null test only guards it.
                    Label(miss);
                    break;
                }
                LoadConstant(Register.R0, 1, Width.W32);
                Jump(done);
                Label(miss);
                LoadConstant(Register.R0, 0, Width.W32);
                Label(done);
                break;
            }
        }
        // LookupPointer: r0 is the value pointer or null, kept whole (64 bits) for the program's null test.
        if (m.Destination is { } dst) Commit(dst, Register.R0);
    }
}
