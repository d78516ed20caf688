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
        var target = Target(m.Destination);
        MoveTo(target, m.Source, width);
        Commit(m.Destination, target);
    }

    void SelectBinary(BinaryInstruction b)
    {
        // Compute in r0: the destination's own register may be the right operand's.
        MoveTo(Register.R0, b.Left, b.Width);
        if (Immediate(b.Right, b.Width) is { } imm && !(b.Operation is BinaryOperation.UnsignedDivide or BinaryOperation.UnsignedRemainder && imm == 0))
            AluImm(AluOp(b.Operation), b.Width, Register.R0, imm);
        else
            AluReg(AluOp(b.Operation), b.Width, Register.R0, Materialize(b.Right, b.Width, Register.R1));
        Commit(b.Destination!, Register.R0);
    }

    void SelectUnary(UnaryInstruction u)
    {
        MoveTo(Register.R0, u.Value, u.Width);
        if (u.Operation == UnaryOperation.Negate) AluImm(Neg, u.Width, Register.R0, 0);
        else AluImm(Xor, u.Width, Register.R0, -1);
        Commit(u.Destination!, Register.R0);
    }

    /// <summary>
    /// Signed division by a positive divisor without cpu v4's SDIV/SMOD: divide the dividend's magnitude and give the
    /// quotient (or remainder) the dividend's sign, C#'s truncation toward zero. Negating int.MinValue leaves
    /// 0x80000000, whose unsigned quotient is still right.
    /// </summary>
    void SelectSignedDivision(SignedDivisionInstruction d)
    {
        byte op = d.IsRemainder ? Mod : Div;
        MoveTo(Register.R0, d.Dividend, d.Width);
        var divisor = Materialize(d.Divisor, d.Width, Register.R1);
        int negative = NewLabel(), done = NewLabel();
        byte cls = d.Width == Width.W32 ? ClassJmp32 : ClassJmp;
        Add(new Instruction((byte)(cls | Jslt | SrcK), Register.R0, 0, 0, 0), negative);
        AluReg(op, d.Width, Register.R0, divisor);
        Jump(done);
        Label(negative);
        AluImm(Neg, d.Width, Register.R0, 0);
        AluReg(op, d.Width, Register.R0, divisor);
        AluImm(Neg, d.Width, Register.R0, 0);
        Label(done);
        Commit(d.Destination!, Register.R0);
    }

    void SelectExtend(ExtendInstruction e)
    {
        switch (e.Kind)
        {
            case ExtendKind.SignExtend8To32:
                MoveTo(Register.R0, e.Value, Width.W32);
                AluImm(Lsh, Width.W32, Register.R0, 24);
                AluImm(Arsh, Width.W32, Register.R0, 24);
                break;
            case ExtendKind.ZeroExtend8To32:
                MoveTo(Register.R0, e.Value, Width.W32);
                AluImm(And, Width.W32, Register.R0, 0xff);
                break;
            case ExtendKind.SignExtend16To32:
                MoveTo(Register.R0, e.Value, Width.W32);
                AluImm(Lsh, Width.W32, Register.R0, 16);
                AluImm(Arsh, Width.W32, Register.R0, 16);
                break;
            case ExtendKind.ZeroExtend16To32:
                MoveTo(Register.R0, e.Value, Width.W32);
                AluImm(And, Width.W32, Register.R0, 0xffff);
                break;
            case ExtendKind.SignExtend32To64:
                // Shifts rather than MOVSX (cpu v4): the programs must load on Linux 6.1.
                MoveTo(Register.R0, e.Value, Width.W64);
                AluImm(Lsh, Width.W64, Register.R0, 32);
                AluImm(Arsh, Width.W64, Register.R0, 32);
                break;
            default:
                // A 32-bit move clears the upper half.
                MoveTo(Register.R0, e.Value, Width.W64);
                AluReg(Mov, Width.W32, Register.R0, Register.R0);
                break;
        }
        Commit(e.Destination!, Register.R0);
    }

    void SelectCompare(CompareInstruction c)
    {
        var done = NewLabel();
        // Operands first (into r1/r2), then r0 = 1, skipped to 0 when the condition fails.
        var left = c.Left;
        var right = c.Right;
        var condition = c.Condition;
        if (left.IsConstant && !right.IsConstant)
        {
            (left, right) = (right, left);
            condition = Swap(condition);
        }
        var l = Materialize(left, c.Width, Register.R1);
        int? imm = Immediate(right, c.Width);
        var r = imm is null ? Materialize(right, c.Width, Register.R2) : Register.R0;
        LoadConstant(Register.R0, 1, Width.W32);
        byte cls = c.Width == Width.W32 ? ClassJmp32 : ClassJmp;
        if (imm is { } k) Add(new Instruction((byte)(cls | JumpOp(condition) | SrcK), l, 0, 0, k), done);
        else Add(new Instruction((byte)(cls | JumpOp(condition) | SrcX), l, r, 0, 0), done);
        LoadConstant(Register.R0, 0, Width.W32);
        Label(done);
        Commit(c.Destination!, Register.R0);
    }

    void SelectByteSwap(ByteSwapInstruction s)
    {
        MoveTo(Register.R0, s.Value, s.Bits == 64 ? Width.W64 : Width.W32);
        // BPF_ALU | BPF_END | BPF_TO_BE: on a little-endian host, swap the low Bits bits and clear the rest.
        const byte ToBigEndian = 0x08;
        Add(new Instruction((byte)(ClassAlu | End | ToBigEndian), Register.R0, 0, 0, s.Bits));
        Commit(s.Destination!, Register.R0);
    }
}
