using System.Buffers.Binary;

namespace Netfence.Bpf.Asm;

/// <summary>
/// One eBPF instruction. A 64-bit immediate load is one <see cref="Instruction"/> carrying the
/// whole constant, and encodes to two 8-byte slots. <see cref="Reference"/> names the map (or
/// other symbol) a relocation will patch into a LD_IMM64.
/// </summary>
public readonly record struct Instruction(byte OpCode, Register Dst, Register Src, short Offset, long Constant, string? Reference = null)
{
    /// <summary>Size in 8-byte slots: 2 for LD_IMM64, else 1.</summary>
    public int Slots => OpCode == OpCodes.LdImm64 ? 2 : 1;

    /// <summary>Writes the instruction's slots in the kernel's byte layout.</summary>
    public void Encode(Span<byte> destination)
    {
        destination[0] = OpCode;
        destination[1] = (byte)(((byte)Src << 4) | ((byte)Dst & 0x0f));
        BinaryPrimitives.WriteInt16LittleEndian(destination[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], (int)Constant);
        if (Slots == 2)
        {
            destination.Slice(8, 4).Clear();
            BinaryPrimitives.WriteInt32LittleEndian(destination[12..], (int)(Constant >> 32));
        }
    }

    /// <summary>Decodes one instruction at the start of <paramref name="source"/>.</summary>
    public static Instruction Decode(ReadOnlySpan<byte> source)
    {
        if (source.Length < 8) throw new FormatException("an eBPF instruction needs 8 bytes");
        byte op = source[0];
        var dst = (Register)(source[1] & 0x0f);
        var src = (Register)(source[1] >> 4);
        short off = BinaryPrimitives.ReadInt16LittleEndian(source[2..]);
        long imm = BinaryPrimitives.ReadInt32LittleEndian(source[4..]);
        if (op == OpCodes.LdImm64)
        {
            if (source.Length < 16) throw new FormatException("LD_IMM64 is truncated: it needs a second 8-byte slot");
            long hi = BinaryPrimitives.ReadInt32LittleEndian(source[12..]);
            imm = (long)((ulong)(uint)imm | ((ulong)hi << 32));
        }
        return new Instruction(op, dst, src, off, imm);
    }

    // --- Constructors for hand assembly (tests, probes, small programs). ---
    public static Instruction Mov64(Register dst, int imm) => new(OpCodes.ClassAlu64 | OpCodes.Mov | OpCodes.SrcK, dst, 0, 0, imm);
    public static Instruction Mov64(Register dst, Register src) => new(OpCodes.ClassAlu64 | OpCodes.Mov | OpCodes.SrcX, dst, src, 0, 0);
    public static Instruction Alu64(byte op, Register dst, int imm) => new((byte)(OpCodes.ClassAlu64 | op | OpCodes.SrcK), dst, 0, 0, imm);
    public static Instruction Alu64(byte op, Register dst, Register src) => new((byte)(OpCodes.ClassAlu64 | op | OpCodes.SrcX), dst, src, 0, 0);
    public static Instruction Alu32(byte op, Register dst, int imm) => new((byte)(OpCodes.ClassAlu | op | OpCodes.SrcK), dst, 0, 0, imm);
    public static Instruction LoadImm64(Register dst, long value) => new(OpCodes.LdImm64, dst, 0, 0, value);
    public static Instruction LoadMapFd(Register dst, string mapName) => new(OpCodes.LdImm64, dst, (Register)OpCodes.PseudoMapFd, 0, 0, mapName);
    public static Instruction LoadMapFd(Register dst, int fd) => new(OpCodes.LdImm64, dst, (Register)OpCodes.PseudoMapFd, 0, fd);
    public static Instruction LoadMem(byte size, Register dst, Register src, short offset) => new((byte)(OpCodes.ClassLdx | OpCodes.ModeMem | size), dst, src, offset, 0);
    public static Instruction StoreMem(byte size, Register dst, Register src, short offset) => new((byte)(OpCodes.ClassStx | OpCodes.ModeMem | size), dst, src, offset, 0);
    public static Instruction StoreImm(byte size, Register dst, short offset, int imm) => new((byte)(OpCodes.ClassSt | OpCodes.ModeMem | size), dst, 0, offset, imm);
    public static Instruction Jump(byte op, Register dst, int imm, short offset) => new((byte)(OpCodes.ClassJmp | op | OpCodes.SrcK), dst, 0, offset, imm);
    public static Instruction Jump(byte op, Register dst, Register src, short offset) => new((byte)(OpCodes.ClassJmp | op | OpCodes.SrcX), dst, src, offset, 0);
    public static Instruction Ja(short offset) => new(OpCodes.ClassJmp | OpCodes.Ja, 0, 0, offset, 0);
    public static Instruction Call(int helperId) => new(OpCodes.ClassJmp | OpCodes.Call, 0, 0, 0, helperId);
    public static Instruction Exit() => new(OpCodes.ClassJmp | OpCodes.Exit, 0, 0, 0, 0);
}
