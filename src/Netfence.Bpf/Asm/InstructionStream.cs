namespace Netfence.Bpf.Asm;

/// <summary>Encodes and decodes whole instruction streams (slot-accurate: LD_IMM64 takes two).</summary>
public static class InstructionStream
{
    /// <summary>Number of 8-byte slots the instructions occupy (what the kernel calls insn_cnt).</summary>
    public static int CountSlots(IReadOnlyList<Instruction> instructions)
    {
        int n = 0;
        foreach (var i in instructions) n += i.Slots;
        return n;
    }

    /// <summary>The kernel byte form of the stream.</summary>
    public static byte[] Encode(IReadOnlyList<Instruction> instructions)
    {
        var bytes = new byte[CountSlots(instructions) * 8];
        int pos = 0;
        foreach (var i in instructions)
        {
            i.Encode(bytes.AsSpan(pos));
            pos += i.Slots * 8;
        }
        return bytes;
    }

    /// <summary>Decodes a byte stream; its length must be a multiple of 8.</summary>
    public static List<Instruction> Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % 8 != 0)
            throw new FormatException($"an instruction stream must be a multiple of 8 bytes, got {bytes.Length}");
        var list = new List<Instruction>(bytes.Length / 8);
        for (int pos = 0; pos < bytes.Length;)
        {
            var insn = Instruction.Decode(bytes[pos..]);
            list.Add(insn);
            pos += insn.Slots * 8;
        }
        return list;
    }
}
