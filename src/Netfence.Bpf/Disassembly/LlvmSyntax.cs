using System.Globalization;
using Netfence.Bpf.Asm;

namespace Netfence.Bpf.Disassembly;

/// <summary>
/// Instructions in the text form of <c>llvm-objdump -d</c> for BPF (LLVM's BPF assembly syntax):
/// <c>r1 = *(u32 *)(r1 + 76)</c>, <c>if r0 == 0 goto +5</c>, <c>w1 += 3</c>, <c>r1 = be16 r1</c>,
/// <c>call 1</c>, <c>r1 = 0 ll</c>. Map references of a LD_IMM64 print as the map's name
/// (<c>r1 = nf_counts ll</c>), where llvm-objdump prints 0 and a relocation line.
/// </summary>
public static class LlvmSyntax
{
    static readonly string[] Jump = ["goto", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<=", "?", "?"];

    /// <summary>Formats one instruction.</summary>
    public static string Format(Instruction i)
    {
        byte op = i.OpCode;
        int cls = OpCodes.Class(op);
        int dst = (int)i.Dst, src = (int)i.Src;
        int imm = (int)i.Constant;
        string Mem(string size, int reg) => $"*({size} *)(r{reg} {(i.Offset < 0 ? "-" : "+")} {Math.Abs((int)i.Offset)})";
        string Rel(int value) => value.ToString("+0;-0", CultureInfo.InvariantCulture);
        switch (cls)
        {
            case OpCodes.ClassAlu or OpCodes.ClassAlu64:
                return SyntaxTables.Alu(i);
            case OpCodes.ClassStx:
            {
                string size = SyntaxTables.Size[(op >> 3) & 3];
                int mode = op & 0xe0;
                if (mode == OpCodes.ModeMem) return $"{Mem(size, dst)} = r{src}";
                bool dw = (op & 0x18) == OpCodes.SizeDW;
                char v = dw ? 'r' : 'w';
                return imm switch
                {
                    OpCodes.Add => $"lock {Mem(size, dst)} += r{src}",
                    OpCodes.And or OpCodes.Or or OpCodes.Xor => $"lock {Mem(size, dst)} {SyntaxTables.AluOperators[imm >> 4]} {v}{src}",
                    0x01 or 0x41 or 0x51 or 0xa1 => $"{v}{src} = atomic_fetch_{SyntaxTables.AtomicName(imm & ~1)}(({size} *)(r{dst} {(i.Offset < 0 ? "-" : "+")} {Math.Abs((int)i.Offset)}), {v}{src})",
                    0xe1 => $"{v}{src} = xchg{(dw ? "_64" : "32_32")}(r{dst} {(i.Offset < 0 ? "-" : "+")} {Math.Abs((int)i.Offset)}, {v}{src})",
                    0xf1 => $"{v}0 = cmpxchg{(dw ? "_64" : "32_32")}(r{dst} {(i.Offset < 0 ? "-" : "+")} {Math.Abs((int)i.Offset)}, {v}0, {v}{src})",
                    _ => "<unknown>",
                };
            }
            case OpCodes.ClassSt:
                return (op & 0xe0) == OpCodes.ModeMem ? $"{Mem(SyntaxTables.Size[(op >> 3) & 3], dst)} = {imm}" : "<unknown>";
            case OpCodes.ClassLdx:
            {
                int mode = op & 0xe0;
                if (mode == OpCodes.ModeMem) return $"r{dst} = {Mem(SyntaxTables.Size[(op >> 3) & 3], src)}";
                if (mode == OpCodes.ModeMemSx) return $"r{dst} = {Mem(SyntaxTables.Size[(op >> 3) & 3].Replace('u', 's'), src)}";
                return "<unknown>";
            }
            case OpCodes.ClassLd:
            {
                int mode = op & 0xe0;
                string size = SyntaxTables.Size[(op >> 3) & 3];
                if (mode == OpCodes.ModeAbs) return $"r0 = *({size} *)skb[{imm}]";
                if (mode == OpCodes.ModeInd) return $"r0 = *({size} *)skb[r{src}]";
                if (op != OpCodes.LdImm64) return "<unknown>";
                if (i.Reference is { } reference)
                {
                    uint offset = (uint)(i.Constant >> 32);
                    return $"r{dst} = {reference}{(offset != 0 ? $"+{offset}" : "")} ll";
                }
                return $"r{dst} = {i.Constant.ToString(CultureInfo.InvariantCulture)} ll";
            }
            default:
            {
                char r = cls == OpCodes.ClassJmp32 ? 'w' : 'r';
                int jmpOp = op & 0xf0;
                if (jmpOp == OpCodes.Call) return $"call {imm}";
                if (op == (OpCodes.ClassJmp | OpCodes.Ja)) return $"goto {Rel(i.Offset)}";
                if (op == (OpCodes.ClassJmp32 | OpCodes.Ja)) return $"gotol {Rel(imm)}";
                if (op == (OpCodes.ClassJmp | OpCodes.Exit)) return "exit";
                if (jmpOp is OpCodes.Call or OpCodes.Exit or OpCodes.Ja or 0xe0 or 0xf0) return "<unknown>";
                return (op & OpCodes.SrcX) != 0
                    ? $"if {r}{dst} {Jump[jmpOp >> 4]} {r}{src} goto {Rel(i.Offset)}"
                    : $"if {r}{dst} {Jump[jmpOp >> 4]} {imm} goto {Rel(i.Offset)}";
            }
        }
    }
}
