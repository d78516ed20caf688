using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Propagates registers defined exactly once by a constant move into their uses and evaluates operations on
/// constants with the kernel's wrap-around semantics; a branch on constants becomes a jump. Registers assigned more
/// than once (IL locals) are left alone: without SSA a single definition is what makes the value unambiguous.
/// </summary>
internal static class ConstantFolding
{
    public static void Run(IrFunction function)
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            var defs = new Dictionary<VirtualRegister, List<IrInstruction>>();
            foreach (var b in function.Blocks)
                foreach (var i in b.Instructions)
                    if (i.Destination is { } d)
                        (defs.TryGetValue(d, out var l) ? l : defs[d] = []).Add(i);
            var constants = new Dictionary<VirtualRegister, long>();
            foreach (var (reg, list) in defs)
                if (reg != function.Context && list.Count == 1 && list[0] is MoveInstruction { Source.IsConstant: true } m)
                    constants[reg] = m.Source.Constant;

            foreach (var b in function.Blocks)
            {
                foreach (var i in Liveness.Instructions(b))
                {
                    for (int k = 0; k < i.Operands.Length; k++)
                    {
                        if (i.Operands[k].Register is { } r && constants.TryGetValue(r, out var c) && !RequiresRegister(i, k) && AcceptsConstant(i, k, c))
                        {
                            i.Operands[k] = Operand.Of(c);
                            changed = true;
                        }
                    }
                }
                for (int n = 0; n < b.Instructions.Count; n++)
                {
                    if (Fold(b.Instructions[n]) is { } folded)
                    {
                        b.Instructions[n] = folded;
                        changed = true;
                    }
                }
                if (b.Terminator is BranchTerminator { Left.IsConstant: true, Right.IsConstant: true } branch)
                {
                    var taken = branch.Condition.Evaluate(branch.Width, branch.Left.Constant, branch.Right.Constant);
                    b.Terminator = new JumpTerminator(branch.Position, taken ? branch.WhenTrue : branch.WhenFalse);
                    changed = true;
                }
            }
        }
    }

    // The context operand of context and packet instructions, the map value pointer of pointer accesses and the
    // checked packet pointer of an in-place packet load are the pointer itself and never a constant.
    static bool RequiresRegister(IrInstruction i, int operand) =>
        i is ContextLoadInstruction or PointerLoadInstruction or PointerCopyInstruction or PacketLoadInstruction
        || (i is ContextStoreInstruction or PointerStoreInstruction or PacketAccessInstruction && operand == 0);

    /// <summary>
    /// A packet offset becomes a constant only where the verifier accepts it added to the packet pointer (0 to 64 KiB,
    /// as the backend's bound on a variable offset); any other offset stays a register, which the backend's bound turns
    /// into TryRead's false, as in .NET.
    /// </summary>
    static bool AcceptsConstant(IrInstruction i, int operand, long value) =>
        i is not PacketAccessInstruction || operand != 1 || value is >= 0 and <= 0xFFFF;

    static MoveInstruction? Fold(IrInstruction i)
    {
        switch (i)
        {
            case BinaryInstruction { Left.IsConstant: true, Right.IsConstant: true } b:
                if (b.Operation is BinaryOperation.UnsignedDivide or BinaryOperation.UnsignedRemainder && Truncate(b.Right.Constant, b.Width) == 0)
                    return null;
                return Move(i, Evaluate(b.Operation, b.Width, b.Left.Constant, b.Right.Constant), b.Width);
            case BinaryInstruction b when Identity(b) is { } same:
                return new MoveInstruction(i.Position, i.Destination!, same);
            case UnaryInstruction { Value.IsConstant: true } u:
                return Move(i, u.Operation == UnaryOperation.Negate ? -u.Value.Constant : ~u.Value.Constant, u.Width);
            case CompareInstruction { Left.IsConstant: true, Right.IsConstant: true } c:
                return Move(i, c.Condition.Evaluate(c.Width, c.Left.Constant, c.Right.Constant) ? 1 : 0, Width.W32);
            case ExtendInstruction { Value.IsConstant: true } e:
                long v = e.Value.Constant;
                return Move(i, e.Kind switch
                {
                    ExtendKind.SignExtend8To32 => (sbyte)v,
                    ExtendKind.ZeroExtend8To32 => (byte)v,
                    ExtendKind.SignExtend16To32 => (short)v,
                    ExtendKind.ZeroExtend16To32 => (ushort)v,
                    ExtendKind.SignExtend32To64 => (int)v,
                    _ => (uint)v,
                }, e.Kind is ExtendKind.SignExtend32To64 or ExtendKind.ZeroExtend32To64 ? Width.W64 : Width.W32);
            default:
                return null;
        }
    }

    /// <summary>
    /// The operand an operation with its identity returns unchanged (<c>offset + x</c> with an inlined offset of 0,
    /// <c>x | 0</c>, <c>x * 1</c>, <c>x &amp; all ones</c>): a move instead, when the operand already has the operation's
    /// width (a 32-bit operation on a 64-bit register would truncate it).
    /// </summary>
    static Operand? Identity(BinaryInstruction b)
    {
        long ones = b.Width == Width.W32 ? uint.MaxValue : -1L;
        bool Is(Operand o, long value) => o.IsConstant && Truncate(o.Constant, b.Width) == Truncate(value, b.Width);
        Operand? candidate = b.Operation switch
        {
            BinaryOperation.Add or BinaryOperation.Or or BinaryOperation.Xor when Is(b.Left, 0) => b.Right,
            BinaryOperation.Add or BinaryOperation.Or or BinaryOperation.Xor or BinaryOperation.Subtract
                or BinaryOperation.ShiftLeft or BinaryOperation.ShiftRightLogical or BinaryOperation.ShiftRightArithmetic when Is(b.Right, 0) => b.Left,
            BinaryOperation.Multiply when Is(b.Left, 1) => b.Right,
            BinaryOperation.Multiply or BinaryOperation.UnsignedDivide when Is(b.Right, 1) => b.Left,
            BinaryOperation.And when Is(b.Left, ones) => b.Right,
            BinaryOperation.And when Is(b.Right, ones) => b.Left,
            _ => null,
        };
        return candidate is { Register: { } r } && r.Width == b.Width && b.Destination!.Width == b.Width ? candidate : null;
    }

    static MoveInstruction Move(IrInstruction i, long value, Width width) => new(i.Position, i.Destination!, Operand.Of(Truncate(value, width)));

    /// <summary>A 32-bit result is kept as its zero-extended bit pattern, as the register holds it.</summary>
    static long Truncate(long value, Width width) => width == Width.W32 ? (uint)value : value;

    public static long Evaluate(BinaryOperation op, Width width, long a, long b)
    {
        if (width == Width.W32)
        {
            uint x = (uint)a, y = (uint)b;
            return op switch
            {
                BinaryOperation.Add => x + y,
                BinaryOperation.Subtract => x - y,
                BinaryOperation.Multiply => x * y,
                BinaryOperation.UnsignedDivide => x / y,
                BinaryOperation.UnsignedRemainder => x % y,
                BinaryOperation.And => x & y,
                BinaryOperation.Or => x | y,
                BinaryOperation.Xor => x ^ y,
                BinaryOperation.ShiftLeft => x << (int)(y & 31),
                BinaryOperation.ShiftRightLogical => x >> (int)(y & 31),
                BinaryOperation.ShiftRightArithmetic => (uint)((int)x >> (int)(y & 31)),
                _ => throw new ArgumentOutOfRangeException(nameof(op)),
            };
        }
        ulong ux = (ulong)a, uy = (ulong)b;
        return op switch
        {
            BinaryOperation.Add => a + b,
            BinaryOperation.Subtract => a - b,
            BinaryOperation.Multiply => a * b,
            BinaryOperation.UnsignedDivide => (long)(ux / uy),
            BinaryOperation.UnsignedRemainder => (long)(ux % uy),
            BinaryOperation.And => a & b,
            BinaryOperation.Or => a | b,
            BinaryOperation.Xor => a ^ b,
            BinaryOperation.ShiftLeft => a << (int)(b & 63),
            BinaryOperation.ShiftRightLogical => (long)(ux >> (int)(b & 63)),
            BinaryOperation.ShiftRightArithmetic => a >> (int)(b & 63),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };
    }
}
