using System.Globalization;
using Netfence.Bpf.Asm;

namespace Netfence.Bpf.Disassembly;

/// <summary>
/// Instructions in the text form of the kernel verifier's log and <c>bpftool prog dump xlated</c>
/// (kernel/bpf/disasm.c): <c>(b7) r0 = 0</c>, <c>(85) call bpf_map_lookup_elem#1</c>,
/// <c>(15) if r0 == 0x0 goto pc+5</c>, <c>(63) *(u32 *)(r10 -4) = r1</c>.
/// </summary>
public static class VerifierSyntax
{
    static readonly string[] Jump = ["jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<=", "?", "?"];
    static readonly string[] SignedSize = ["s32", "s16", "s8", "s64"];
    static readonly string[] Class = ["ld", "ldx", "st", "stx", "alu", "jmp", "jmp32", "alu64"];

    const int AtomicFetch = 0x01, AtomicXchg = 0xe0 | AtomicFetch, AtomicCmpXchg = 0xf0 | AtomicFetch;
    const int LoadAcquire = 0x100, StoreRelease = 0x110;

    /// <summary>Formats one instruction, opcode in parentheses first, without the slot index.</summary>
    public static string Format(Instruction insn, OperandNames? names = null)
    {
        names ??= OperandNames.Default;
        return $"({insn.OpCode:x2}) {Body(insn, names)}";
    }

    static string Body(Instruction i, OperandNames names)
    {
        byte op = i.OpCode;
        int cls = OpCodes.Class(op);
        int dst = (int)i.Dst, src = (int)i.Src;
        short off = i.Offset;
        int imm = (int)i.Constant;
        string Off() => off.ToString("+0;-0", CultureInfo.InvariantCulture);
        switch (cls)
        {
            case OpCodes.ClassAlu or OpCodes.ClassAlu64:
                return SyntaxTables.Alu(i);
            case OpCodes.ClassStx:
            {
                string size = SyntaxTables.Size[(op >> 3) & 3];
                int mode = op & 0xe0;
                if (mode == OpCodes.ModeMem) return $"*({size} *)(r{dst} {Off()}) = r{src}";
                if (mode != OpCodes.ModeAtomic) return $"BUG_{op:x2}";
                string w = (op & 0x18) == OpCodes.SizeDW ? "64" : "";
                return imm switch
                {
                    OpCodes.Add or OpCodes.And or OpCodes.Or or OpCodes.Xor => $"lock *({size} *)(r{dst} {Off()}) {SyntaxTables.AluOperators[imm >> 4]} r{src}",
                    OpCodes.Add + AtomicFetch or OpCodes.And + AtomicFetch or OpCodes.Or + AtomicFetch or OpCodes.Xor + AtomicFetch =>
                        $"r{src} = atomic{w}_fetch_{SyntaxTables.AtomicName(imm & ~AtomicFetch)}(({size} *)(r{dst} {Off()}), r{src})",
                    AtomicCmpXchg => $"r0 = atomic{w}_cmpxchg(({size} *)(r{dst} {Off()}), r0, r{src})",
                    AtomicXchg => $"r{src} = atomic{w}_xchg(({size} *)(r{dst} {Off()}), r{src})",
                    LoadAcquire => $"r{dst} = load_acquire(({size} *)(r{src} {Off()}))",
                    StoreRelease => $"store_release(({size} *)(r{dst} {Off()}), r{src})",
                    _ => $"BUG_{op:x2}",
                };
            }
            case OpCodes.ClassSt:
                if ((op & 0xe0) == OpCodes.ModeMem) return $"*({SyntaxTables.Size[(op >> 3) & 3]} *)(r{dst} {Off()}) = {imm}";
                return (op & 0xe0) == 0xc0 ? "nospec" : $"BUG_st_{op:x2}";
            case OpCodes.ClassLdx:
            {
                int mode = op & 0xe0;
                if (mode is not (OpCodes.ModeMem or OpCodes.ModeMemSx)) return $"BUG_ldx_{op:x2}";
                var size = mode == OpCodes.ModeMem ? SyntaxTables.Size[(op >> 3) & 3] : SignedSize[(op >> 3) & 3];
                return $"r{dst} = *({size} *)(r{src} {Off()})";
            }
            case OpCodes.ClassLd:
            {
                int mode = op & 0xe0;
                string size = SyntaxTables.Size[(op >> 3) & 3];
                if (mode == OpCodes.ModeAbs) return $"r0 = *({size} *)skb[{imm}]";
                if (mode == OpCodes.ModeInd) return $"r0 = *({size} *)skb[r{src} + {imm}]";
                if (op == OpCodes.LdImm64)
                    return $"r{dst} = {names.MapOperand(i) ?? "0x" + ((ulong)i.Constant).ToString("x", CultureInfo.InvariantCulture)}";
                return $"BUG_ld_{op:x2}";
            }
            default:
            {
                char r = cls == OpCodes.ClassJmp32 ? 'w' : 'r';
                int jmpOp = op & 0xf0;
                if (jmpOp == OpCodes.Call)
                {
                    if (src == OpCodes.PseudoCall) return $"call pc{imm.ToString("+0;-0", CultureInfo.InvariantCulture)}";
                    return $"call {names.Helper(i) ?? "unknown"}#{imm}";
                }
                if (op == (OpCodes.ClassJmp | OpCodes.Ja)) return $"goto pc{Off()}";
                if (op == (OpCodes.ClassJmp | OpCodes.Ja | OpCodes.SrcX)) return $"gotox r{dst}";
                if (op == (OpCodes.ClassJmp | 0xe0) && src == 0) return $"may_goto pc{Off()}";
                if (op == (OpCodes.ClassJmp32 | OpCodes.Ja)) return $"gotol pc{imm.ToString("+0;-0", CultureInfo.InvariantCulture)}";
                if (op == (OpCodes.ClassJmp | OpCodes.Exit)) return "exit";
                if (jmpOp is OpCodes.Call or OpCodes.Exit or 0xe0 or 0xf0 || jmpOp == OpCodes.Ja) return $"{Class[cls]}";
                return (op & OpCodes.SrcX) != 0
                    ? $"if {r}{dst} {Jump[jmpOp >> 4]} {r}{src} goto pc{Off()}"
                    : $"if {r}{dst} {Jump[jmpOp >> 4]} 0x{(uint)imm:x} goto pc{Off()}";
            }
        }
    }
}
