using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Backend;

// SkBuff.TryRead/TryWrite in the shape the verifier tracks: data and data_end loaded from the context, the access's
// end compared with data_end on a copy of the same pointer, then the accesses through that pointer. A read whose
// fields are read in place computes data in its view's register, which keeps the checked range for the
// PacketLoadInstructions after it (the verifier gives the range to every register and spill of that pointer).
internal sealed partial class InstructionSelector
{
    /// <summary>The verifier's MAX_PACKET_OFF: larger packet offsets are never provable.</summary>
    const int MaxPacketOffset = 0xffff;

    /// <summary>
    /// Three scratch registers (<see cref="ScratchDemand"/>): data (unless the view's register holds it), data_end, and
    /// one for the context reloaded from its spill slot, then the variable offset, then the end of the access, then
    /// each piece copied. The result is written last, into the destination's register or, for a spilled destination,
    /// the free data register (the free work register when data is the view).
    /// </summary>
    void SelectPacketAccess(PacketAccessInstruction p) => SelectPacketAccess(p, null, null, null);

    /// <summary>
    /// With <paramref name="success"/> and <paramref name="failure"/>, the access ends its block by jumping to one of
    /// them instead of producing its result (<see cref="FusedPacketBranch"/>); <paramref name="next"/> is the block laid
    /// out after it, which needs no jump.
    /// </summary>
    void SelectPacketAccess(PacketAccessInstruction p, BasicBlock? success, BasicBlock? failure, BasicBlock? next)
    {
        // Fused with its branch and with nothing to zero on failure, the check jumps straight to the failure side.
        bool zeroOnFailure = !p.IsWrite && !p.BufferUnread;
        bool direct = failure is not null && (!zeroOnFailure || p.BufferDeadOnFailure);
        int fail = direct ? failure!.Id : NewLabel(), done = NewLabel();
        var view = p.View is { } v ? LocationOf(v).Register : null;
        var data = view ?? Scratch();
        var dataEnd = Scratch();
        var work = Scratch();
        var context = Materialize(Operand.Of(p.Context), Width.W64, work);
        Add(Instruction.LoadMem(SizeW, data, context, (short)p.DataOffset));
        Add(Instruction.LoadMem(SizeW, dataEnd, context, (short)p.DataEndOffset));
        if (p.PacketOffset.IsConstant)
        {
            if (p.PacketOffset.Constant != 0) AluImm(OpCodes.Add, Width.W64, data, unchecked((int)p.PacketOffset.Constant));
        }
        else
        {
            // A variable offset must be bounded before it is added to a packet pointer; any offset past 64 KiB (or
            // negative, as unsigned) cannot fit in a packet the program sees, so .NET's answer is false there too.
            MoveTo(work, p.PacketOffset, Width.W32);
            Add(new Instruction((byte)(ClassJmp32 | Jgt | SrcK), work, 0, 0, MaxPacketOffset), fail);
            AluReg(OpCodes.Add, Width.W64, data, work);
        }
        Add(Instruction.Mov64(work, data));
        AluImm(OpCodes.Add, Width.W64, work, p.Size);
        Add(Instruction.Jump(Jgt, work, dataEnd, 0), fail);
        var buffer = p.Buffer.FrameOffset;
        if (p.IsWrite) Copy(data, 0, Register.R10, buffer, p.Size, work);
        else if (!p.BufferUnread) Copy(Register.R10, buffer, data, 0, p.Size, work);
        // A spilled view is stored once checked, so the spill carries the range (the verifier tracks spilled pointers).
        if (p.View is { } spilledView && view is null) Commit(spilledView, data);
        if (success is not null && failure is not null)
        {
            if (success != next) Jump(success.Id);
            if (direct) return;
            // The failure path goes after the function's last block, so the success path falls through to the next
            // block; the scratch register is still free there, since only this access's check jumps to it.
            var position = _position;
            _outOfLine.Add(() =>
            {
                _position = position;
                Label(fail);
                if (zeroOnFailure) Zero(buffer, p.Size, work);
                Jump(failure.Id);
            });
            return;
        }
        var result = LocationOf(p.Destination!).Register ?? (p.View is null ? data : work);
        LoadConstant(result, 1, Width.W32);
        Jump(done);
        Label(fail);
        if (zeroOnFailure) Zero(buffer, p.Size, work);
        LoadConstant(result, 0, Width.W32);
        Label(done);
        Commit(p.Destination!, result);
    }

    /// <summary>A field read in place: through the view register (or its spill, reloaded whole) at a constant offset inside the checked size.</summary>
    void SelectPacketLoad(PacketLoadInstruction l)
    {
        var view = Materialize(Operand.Of(l.View), Width.W64);
        var target = Target(l.Destination!);
        Add(Instruction.LoadMem(SizeCode(l.Size), target, view, (short)l.Offset));
        if (l.SignExtend && l.Size < 4) SignExtendTo32(target, l.Size);
        Commit(l.Destination!, target);
    }
}
