using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Backend;

// Moves, ALU operations, signed division emulation, extensions, comparisons and byte swaps.
internal sealed partial class InstructionSelector
{
    static byte Alu(Width width) => width == Width.W32 ? ClassAlu : ClassAlu64;

    static byte AluOp(BinaryOperation op) => op switch
    {
        BinaryOperation.Add => OpCodes.Add,
        BinaryOperation.Subtract => Sub,
        BinaryOperation.Multiply => Mul,
        BinaryOperation.UnsignedDivide => Div,
        BinaryOperation.UnsignedRemainder => Mod,
        BinaryOperation.And => And,
        BinaryOperation.Or => Or,
        BinaryOperation.Xor => Xor,
        BinaryOperation.ShiftLeft => Lsh,
        BinaryOperation.ShiftRightLogical => Rsh,
        _ => Arsh,
    };

    void AluImm(byte op, Width width, Register dst, int imm) => Add(new Instruction((byte)(Alu(width) | op | SrcK), dst, 0, 0, imm));

    void AluReg(byte op, Width width, Register dst, Register src) => Add(new Instruction((byte)(Alu(width) | op | SrcX), dst, src, 0, 0));

    /// <summary>r = value, at the width (a 32-bit move zero-extends, keeping the upper-half-zero invariant).</summary>
    void MoveTo(Register target, Operand value, Width width)
    {
        var r = Materialize(value, width, target);
        if (r != target) AluReg(Mov, width, target, r);
    }

    void SelectMove(MoveInstruction m)
    {
        var width = m.Destination!.Width;
        // A register stored straight into a spilled destination needs no scratch copy.
        if (LocationOf(m.Destination).IsSpilled && m.Source.Register is { } source && LocationOf(source).Register is { } sourceRegister)
        {
            Commit(m.Destination, sourceRegister);
            return;
        }
        var target = Target(m.Destination);
        MoveTo(target, m.Source, width);
        Commit(m.Destination, target);
    }

    /// <summary>
    /// The register to compute <paramref name="destination"/> in: its own, unless an operand other than the first is
    /// that same register (x = y - x), which writing the first operand there would overwrite; then a scratch register.
    /// </summary>
    Register ComputeRegister(VirtualRegister destination, params Operand[] later) =>
        later.Any(o => o.Register == destination) ? Scratch() : Target(destination);

    void SelectBinary(BinaryInstruction b)
    {
        var compute = b.Left.Register == b.Destination ? Target(b.Destination!) : ComputeRegister(b.Destination!, b.Right);
        MoveTo(compute, b.Left, b.Width);
        if (Immediate(b.Right, b.Width) is { } imm && !(b.Operation is BinaryOperation.UnsignedDivide or BinaryOperation.UnsignedRemainder && imm == 0))
            AluImm(AluOp(b.Operation), b.Width, compute, imm);
        else
            AluReg(AluOp(b.Operation), b.Width, compute, Materialize(b.Right, b.Width));
        Commit(b.Destination!, compute);
    }

    void SelectUnary(UnaryInstruction u)
    {
        var compute = Target(u.Destination!);
        MoveTo(compute, u.Value, u.Width);
        if (u.Operation == UnaryOperation.Negate) AluImm(Neg, u.Width, compute, 0);
        else AluImm(Xor, u.Width, compute, -1);
        Commit(u.Destination!, compute);
    }

    /// <summary>
    /// C#'s signed division without cpu v4's SDIV/SMOD (the programs must load on Linux 6.1): divide the magnitudes
    /// with the unsigned BPF_DIV/BPF_MOD, then give the result its sign, truncating toward zero as C# does: a quotient
    /// is negative when the operands' signs differ, a remainder has the dividend's sign. Negating MinValue leaves the
    /// bit pattern 2^(n-1), which is its magnitude read unsigned, so every pair works but MinValue / -1, which the
    /// ProveDivisors pass rejects. A constant divisor's sign is known here, so only the dividend's is tested.
    /// </summary>
    void SelectSignedDivision(SignedDivisionInstruction d)
    {
        byte op = d.IsRemainder ? Mod : Div;
        byte jump = d.Width == Width.W32 ? ClassJmp32 : ClassJmp;
        MoveTo(Register.R0, d.Dividend, d.Width);
        if (d.Divisor.IsConstant)
        {
            long divisor = d.Width == Width.W32 ? (int)d.Divisor.Constant : d.Divisor.Constant;
            var magnitude = Operand.Of(divisor < 0 ? unchecked(-divisor) : divisor);
            bool negateWhenDividendPositive = !d.IsRemainder && divisor < 0;
            int negative = NewLabel(), done = NewLabel();
            Add(new Instruction((byte)(jump | Jslt | SrcK), Register.R0, 0, 0, 0), negative);
            UnsignedDivide(op, d.Width, magnitude);
            if (negateWhenDividendPositive) AluImm(Neg, d.Width, Register.R0, 0);
            Jump(done);
            Label(negative);
            AluImm(Neg, d.Width, Register.R0, 0);
            UnsignedDivide(op, d.Width, magnitude);
            if (!negateWhenDividendPositive) AluImm(Neg, d.Width, Register.R0, 0);
            Label(done);
        }
        else
        {
            // A copy of the divisor: negating it must leave the divisor's own register alone.
            MoveTo(Register.R1, d.Divisor, d.Width);
            // r2's sign bit says whether to negate the result: the dividend's for a remainder, the signs' difference
            // for a quotient.
            AluReg(Mov, d.Width, Register.R2, Register.R0);
            if (!d.IsRemainder) AluReg(Xor, d.Width, Register.R2, Register.R1);
            int dividendPositive = NewLabel(), divisorPositive = NewLabel(), done = NewLabel();
            Add(new Instruction((byte)(jump | Jsge | SrcK), Register.R0, 0, 0, 0), dividendPositive);
            AluImm(Neg, d.Width, Register.R0, 0);
            Label(dividendPositive);
            Add(new Instruction((byte)(jump | Jsge | SrcK), Register.R1, 0, 0, 0), divisorPositive);
            AluImm(Neg, d.Width, Register.R1, 0);
            Label(divisorPositive);
            AluReg(op, d.Width, Register.R0, Register.R1);
            Add(new Instruction((byte)(jump | Jsge | SrcK), Register.R2, 0, 0, 0), done);
            AluImm(Neg, d.Width, Register.R0, 0);
            Label(done);
        }
        Commit(d.Destination!, Register.R0);
    }

    /// <summary>r0 = r0 op magnitude, unsigned; an immediate when it fits (ALU32 reads its immediate as u32, so 2^31 fits there).</summary>
    void UnsignedDivide(byte op, Width width, Operand magnitude)
    {
        if (Immediate(magnitude, width) is { } imm) AluImm(op, width, Register.R0, imm);
        else AluReg(op, width, Register.R0, Materialize(magnitude, width, Register.R1));
    }

    void SelectExtend(ExtendInstruction e)
    {
        var compute = Target(e.Destination!);
        switch (e.Kind)
        {
            case ExtendKind.SignExtend8To32:
                MoveTo(compute, e.Value, Width.W32);
                AluImm(Lsh, Width.W32, compute, 24);
                AluImm(Arsh, Width.W32, compute, 24);
                break;
            case ExtendKind.ZeroExtend8To32:
                MoveTo(compute, e.Value, Width.W32);
                AluImm(And, Width.W32, compute, 0xff);
                break;
            case ExtendKind.SignExtend16To32:
                MoveTo(compute, e.Value, Width.W32);
                AluImm(Lsh, Width.W32, compute, 16);
                AluImm(Arsh, Width.W32, compute, 16);
                break;
            case ExtendKind.ZeroExtend16To32:
                MoveTo(compute, e.Value, Width.W32);
                AluImm(And, Width.W32, compute, 0xffff);
                break;
            case ExtendKind.SignExtend32To64:
                // Shifts rather than MOVSX (cpu v4): the programs must load on Linux 6.1.
                MoveTo(compute, e.Value, Width.W64);
                AluImm(Lsh, Width.W64, compute, 32);
                AluImm(Arsh, Width.W64, compute, 32);
                break;
            case ExtendKind.ZeroExtend32To64 when e.Value.Register is { Width: Width.W32 } source && !_function.EntryRegisters.Contains(source):
                // A 32-bit value already sits zero-extended in its register (ALU32 results, loads and moves clear the
                // upper half), so widening it is a plain copy, or nothing in place. A function's 32-bit parameter is
                // the exception: the verifier knows nothing of its upper half.
                MoveTo(compute, e.Value, Width.W64);
                break;
            default:
                // One 32-bit move copies and clears the upper half (a value reloaded from its spill slot is in the
                // compute register already, and the move clears it there).
                AluReg(Mov, Width.W32, compute, Materialize(e.Value, Width.W64, compute));
                break;
        }
        Commit(e.Destination!, compute);
    }

    void SelectCompare(CompareInstruction c)
    {
        var done = NewLabel();
        // Operands first, then result = 1, skipped to 0 when the condition fails. The result's register must not be an
        // operand's (x = x < 5), which setting it to 1 would overwrite before the comparison.
        var left = c.Left;
        var right = c.Right;
        var condition = c.Condition;
        if (left.IsConstant && !right.IsConstant)
        {
            (left, right) = (right, left);
            condition = condition.Swap();
        }
        var l = Materialize(left, c.Width);
        int? imm = Immediate(right, c.Width);
        Register? r = imm is null ? Materialize(right, c.Width) : null;
        var result = ComputeRegister(c.Destination!, c.Left, c.Right);
        LoadConstant(result, 1, Width.W32);
        byte cls = c.Width == Width.W32 ? ClassJmp32 : ClassJmp;
        if (imm is { } k) Add(new Instruction((byte)(cls | JumpOp(condition) | SrcK), l, 0, 0, k), done);
        else Add(new Instruction((byte)(cls | JumpOp(condition) | SrcX), l, r!.Value, 0, 0), done);
        LoadConstant(result, 0, Width.W32);
        Label(done);
        Commit(c.Destination!, result);
    }

    void SelectByteSwap(ByteSwapInstruction s)
    {
        var compute = Target(s.Destination!);
        MoveTo(compute, s.Value, s.Bits == 64 ? Width.W64 : Width.W32);
        // BPF_ALU | BPF_END | BPF_TO_BE: on a little-endian host, swap the low Bits bits and clear the rest.
        const byte ToBigEndian = 0x08;
        Add(new Instruction((byte)(ClassAlu | End | ToBigEndian), compute, 0, 0, s.Bits));
        Commit(s.Destination!, compute);
    }
}
