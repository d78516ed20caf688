using Netfence.Bpf.Asm;

namespace Netfence.Bpf.Disassembly;

/// <summary>
/// What the verifier's and LLVM's syntaxes share: operator and size names, and the whole ALU
/// form (<c>r1 += 3</c>, <c>w1 = -w1</c>, <c>r1 = be16 r1</c>, <c>r1 = (s8)r2</c>), which both print alike.
/// </summary>
internal static class SyntaxTables
{
    public static readonly string[] AluOperators = ["+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian", "?", "?"];
    public static readonly string[] Size = ["u32", "u16", "u8", "u64"];

    public static string AtomicName(int aluOp) => aluOp switch
    {
        OpCodes.Add => "add",
        OpCodes.And => "and",
        OpCodes.Or => "or",
        _ => "xor",
    };

    /// <summary>An ALU or ALU64 instruction.</summary>
    public static string Alu(Instruction i)
    {
        byte op = i.OpCode;
        int cls = OpCodes.Class(op);
        int dst = (int)i.Dst, src = (int)i.Src;
        int imm = (int)i.Constant;
        char r = cls == OpCodes.ClassAlu ? 'w' : 'r';
        int aluOp = op & 0xf0;
        if (aluOp == OpCodes.End)
            return cls == OpCodes.ClassAlu64
                ? $"r{dst} = bswap{imm} r{dst}"
                : $"r{dst} = {((op & OpCodes.SrcX) != 0 ? "be" : "le")}{imm} r{dst}";
        if (aluOp == OpCodes.Neg) return $"{r}{dst} = -{r}{dst}";
        // Signed division and modulo are DIV/MOD with offset 1; sign-extending moves are MOV with offset 8, 16 or 32.
        string opText = (aluOp is OpCodes.Div or OpCodes.Mod) && i.Offset == 1 ? "s" + AluOperators[aluOp >> 4] : AluOperators[aluOp >> 4];
        if ((op & OpCodes.SrcX) == 0) return $"{r}{dst} {opText} {imm}";
        string sx = aluOp == OpCodes.Mov && i.Offset is 8 or 16 or 32 ? $"(s{i.Offset})" : "";
        return $"{r}{dst} {opText} {sx}{r}{src}";
    }
}
