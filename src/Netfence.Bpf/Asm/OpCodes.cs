namespace Netfence.Bpf.Asm;

/// <summary>Opcode fields as in the kernel's instruction-set document.</summary>
public static class OpCodes
{
    // Instruction classes (low 3 bits).
    public const byte ClassLd = 0x00, ClassLdx = 0x01, ClassSt = 0x02, ClassStx = 0x03,
        ClassAlu = 0x04, ClassJmp = 0x05, ClassJmp32 = 0x06, ClassAlu64 = 0x07;

    // Source operand (bit 3) for ALU and JMP.
    public const byte SrcK = 0x00, SrcX = 0x08;

    // ALU operations (high 4 bits).
    public const byte Add = 0x00, Sub = 0x10, Mul = 0x20, Div = 0x30, Or = 0x40, And = 0x50,
        Lsh = 0x60, Rsh = 0x70, Neg = 0x80, Mod = 0x90, Xor = 0xa0, Mov = 0xb0, Arsh = 0xc0, End = 0xd0;

    // Jump operations (high 4 bits).
    public const byte Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jset = 0x40, Jne = 0x50,
        Jsgt = 0x60, Jsge = 0x70, Call = 0x80, Exit = 0x90, Jlt = 0xa0, Jle = 0xb0, Jslt = 0xc0, Jsle = 0xd0;

    // Load/store sizes (bits 3-4) and modes (high 3 bits).
    public const byte SizeW = 0x00, SizeH = 0x08, SizeB = 0x10, SizeDW = 0x18;
    public const byte ModeImm = 0x00, ModeAbs = 0x20, ModeInd = 0x40, ModeMem = 0x60, ModeMemSx = 0x80, ModeAtomic = 0xc0;

    /// <summary>The two-slot 64-bit immediate load (<c>BPF_LD | BPF_IMM | BPF_DW</c>).</summary>
    public const byte LdImm64 = ClassLd | ModeImm | SizeDW;

    // LD_IMM64 pseudo sources (src register field).
    public const byte PseudoMapFd = 1, PseudoMapValue = 2;

    // Call pseudo sources.
    public const byte PseudoCall = 1;

    public static byte Class(byte op) => (byte)(op & 0x07);
    public static bool IsAluOrJump(byte op) => Class(op) is ClassAlu or ClassAlu64 or ClassJmp or ClassJmp32;
}
