using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Backend;

// Context and frame memory. The verifier requires stack accesses to be naturally aligned, so a field at an odd
// offset (EthernetHeader.SourceHigh at 6) is read and written in aligned pieces.
internal sealed partial class InstructionSelector
{
    static byte SizeCode(int size) => size switch
    {
        1 => SizeB,
        2 => SizeH,
        4 => SizeW,
        8 => SizeDW,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "not a load/store width"),
    };

    /// <summary>The largest access of at most <paramref name="remaining"/> bytes aligned at both offsets.</summary>
    static int Chunk(int remaining, int alignedAt, int otherAlignedAt = 0)
    {
        foreach (var size in new[] { 8, 4, 2, 1 })
            if (size <= remaining && alignedAt % size == 0 && otherAlignedAt % size == 0) return size;
        return 1;
    }

    void SelectContextLoad(ContextLoadInstruction l)
    {
        var context = Materialize(Operand.Of(l.Context), Width.W64);
        var target = Target(l.Destination!);
        Add(Instruction.LoadMem(SizeCode(l.Size), target, context, (short)l.Offset));
        Commit(l.Destination!, target);
    }

    void SelectContextStore(ContextStoreInstruction s)
    {
        // STX, not ST: the kernel rewrites context accesses from registers only.
        var context = Materialize(Operand.Of(s.Context), Width.W64);
        var value = Materialize(s.Value, Width.W32);
        Add(Instruction.StoreMem(SizeCode(s.Size), context, value, (short)s.Offset));
    }

    void SelectStackLoad(StackLoadInstruction l)
    {
        var target = Target(l.Destination!);
        LoadFrame(target, l.Address.FrameOffset, l.Size);
        if (l.SignExtend && l.Size < 4) SignExtendTo32(target, l.Size);
        Commit(l.Destination!, target);
    }

    /// <summary>Sign-extends the low <paramref name="size"/> bytes of a zero-extending load, as ldind.i1/i2 read them.</summary>
    void SignExtendTo32(Register target, int size)
    {
        int shift = 32 - size * 8;
        AluImm(Lsh, Width.W32, target, shift);
        AluImm(Arsh, Width.W32, target, shift);
    }

    /// <summary>Loads <paramref name="size"/> little-endian bytes at an r10 offset into <paramref name="target"/>, in aligned pieces.</summary>
    void LoadFrame(Register target, int offset, int size)
    {
        if (offset % size == 0)
        {
            Add(Instruction.LoadMem(SizeCode(size), target, Register.R10, (short)offset));
            return;
        }
        // Assemble from the highest piece down: target = (target << bits) | piece.
        var pieces = Pieces(offset, size);
        var scratch = Scratch();
        bool first = true;
        for (int k = pieces.Count - 1; k >= 0; k--)
        {
            var (at, width) = pieces[k];
            if (first)
            {
                Add(Instruction.LoadMem(SizeCode(width), target, Register.R10, (short)at));
                first = false;
                continue;
            }
            AluImm(Lsh, Width.W64, target, width * 8);
            Add(Instruction.LoadMem(SizeCode(width), scratch, Register.R10, (short)at));
            AluReg(Or, Width.W64, target, scratch);
        }
    }

    static List<(int Offset, int Size)> Pieces(int offset, int size)
    {
        var pieces = new List<(int, int)>();
        for (int done = 0; done < size;)
        {
            int chunk = Chunk(size - done, offset + done);
            pieces.Add((offset + done, chunk));
            done += chunk;
        }
        return pieces;
    }

    void SelectStackStore(StackStoreInstruction s)
    {
        int offset = s.Address.FrameOffset;
        var width = s.Size == 8 ? Width.W64 : Width.W32;
        if (offset % s.Size == 0)
        {
            Add(Instruction.StoreMem(SizeCode(s.Size), Register.R10, Materialize(s.Value, width), (short)offset));
            return;
        }
        // Misaligned: store the low piece, shift, store the next (in a copy: the shifts destroy it).
        var shifted = Scratch();
        MoveTo(shifted, s.Value, Width.W64);
        foreach (var (at, size) in Pieces(offset, s.Size))
        {
            Add(Instruction.StoreMem(SizeCode(size), Register.R10, shifted, (short)at));
            AluImm(Rsh, Width.W64, shifted, size * 8);
        }
    }

    /// <summary>
    /// Zeroes frame bytes with STX from a zeroed register rather than BPF_ST immediates, which clang never emits and
    /// older llvm-objdump cannot print.
    /// </summary>
    void Zero(int offset, int size, Register scratch)
    {
        Add(Instruction.Mov64(scratch, 0));
        for (int done = 0; done < size;)
        {
            int chunk = Chunk(size - done, offset + done);
            Add(Instruction.StoreMem(SizeCode(chunk), Register.R10, scratch, (short)(offset + done)));
            done += chunk;
        }
    }

    /// <summary>
    /// Copies bytes between two base registers through <paramref name="scratch"/>. Accesses are aligned on whichever side
    /// is the stack (r10); packet and map value pointers have no alignment requirement on the hosts we target.
    /// </summary>
    void Copy(Register targetBase, int targetOffset, Register sourceBase, int sourceOffset, int size, Register scratch)
    {
        for (int done = 0; done < size;)
        {
            int alignTarget = targetBase == Register.R10 ? targetOffset + done : 0;
            int alignSource = sourceBase == Register.R10 ? sourceOffset + done : 0;
            int chunk = Chunk(size - done, alignTarget, alignSource);
            Add(Instruction.LoadMem(SizeCode(chunk), scratch, sourceBase, (short)(sourceOffset + done)));
            Add(Instruction.StoreMem(SizeCode(chunk), targetBase, scratch, (short)(targetOffset + done)));
            done += chunk;
        }
    }

    // Map values: every access goes through the lookup's pointer register (or its spill, reloaded whole), the
    // register the verifier knows as PTR_TO_MAP_VALUE after the null test. Field offsets fold into the instruction.
    void SelectPointerLoad(PointerLoadInstruction l)
    {
        var pointer = Materialize(Operand.Of(l.Pointer), Width.W64);
        var target = Target(l.Destination!);
        Add(Instruction.LoadMem(SizeCode(l.Size), target, pointer, (short)l.Offset));
        if (l.SignExtend && l.Size < 4) SignExtendTo32(target, l.Size);
        Commit(l.Destination!, target);
    }

    void SelectPointerStore(PointerStoreInstruction s)
    {
        var pointer = Materialize(Operand.Of(s.Pointer), Width.W64);
        var value = Materialize(s.Value, s.Size == 8 ? Width.W64 : Width.W32);
        Add(Instruction.StoreMem(SizeCode(s.Size), pointer, value, (short)s.Offset));
    }

    void SelectPointerCopy(PointerCopyInstruction c)
    {
        var pointer = Materialize(Operand.Of(c.Pointer), Width.W64);
        if (c.IntoMapValue) Copy(pointer, c.Offset, Register.R10, c.Frame.FrameOffset, c.Size, Scratch());
        else Copy(Register.R10, c.Frame.FrameOffset, pointer, c.Offset, c.Size, Scratch());
    }

    void SelectConfigLoad(ConfigLoadInstruction c)
    {
        // LD_IMM64 with a relocation against the variable's symbol; the loader makes it a pointer into .rodata.
        // The address and the value share one register, as clang's code does.
        var target = Target(c.Destination!);
        Add(new Instruction(LdImm64, target, 0, 0, 0, c.Variable));
        Add(Instruction.LoadMem(SizeCode(c.Size), target, target, 0));
        if (c.SignExtend && c.Size < 4) SignExtendTo32(target, c.Size);
        Commit(c.Destination!, target);
    }
}
