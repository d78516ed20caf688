using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Backend;

// SkBuff.TryRead/TryWrite in the shape the verifier tracks: data and data_end loaded from the context, the access's
// end compared with data_end on a copy of the same pointer, then the accesses through that pointer.
internal sealed partial class InstructionSelector
{
    /// <summary>The verifier's MAX_PACKET_OFF: larger packet offsets are never provable.</summary>
    const int MaxPacketOffset = 0xffff;

    void SelectPacketAccess(PacketAccessInstruction p)
    {
        int fail = NewLabel(), done = NewLabel();
        var context = Materialize(Operand.Of(p.Context), Width.W64, Register.R1);
        Add(Instruction.LoadMem(SizeW, Register.R2, context, (short)p.DataOffset));
        Add(Instruction.LoadMem(SizeW, Register.R3, context, (short)p.DataEndOffset));
        if (p.PacketOffset.IsConstant)
        {
            if (p.PacketOffset.Constant != 0) AluImm(OpCodes.Add, Width.W64, Register.R2, unchecked((int)p.PacketOffset.Constant));
        }
        else
        {
            // A variable offset must be bounded before it is added to a packet pointer; any offset past 64 KiB (or
            // negative, as unsigned) cannot fit in a packet the program sees, so .NET's answer is false there too.
            MoveTo(Register.R4, p.PacketOffset, Width.W32);
            Add(new Instruction((byte)(ClassJmp32 | Jgt | SrcK), Register.R4, 0, 0, MaxPacketOffset), fail);
            AluReg(OpCodes.Add, Width.W64, Register.R2, Register.R4);
        }
        Add(Instruction.Mov64(Register.R4, Register.R2));
        AluImm(OpCodes.Add, Width.W64, Register.R4, p.Size);
        Add(Instruction.Jump(Jgt, Register.R4, Register.R3, 0), fail);
        var buffer = p.Buffer.FrameOffset;
        if (p.IsWrite) Copy(Register.R2, 0, Register.R10, buffer, p.Size, Register.R5);
        else Copy(Register.R10, buffer, Register.R2, 0, p.Size, Register.R5);
        LoadConstant(Register.R0, 1, Width.W32);
        Jump(done);
        Label(fail);
        if (!p.IsWrite) Zero(buffer, p.Size, Register.R5);
        LoadConstant(Register.R0, 0, Width.W32);
        Label(done);
        Commit(p.Destination!, Register.R0);
    }
}
