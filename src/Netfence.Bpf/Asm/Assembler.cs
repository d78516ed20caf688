namespace Netfence.Bpf.Asm;

/// <summary>
/// Builds an instruction stream with symbolic jump targets. Offsets are resolved in slots when
/// the stream is built, so a LD_IMM64 (two slots) between a jump and its target can never
/// throw the count off the way hand-counted offsets do.
/// </summary>
public sealed class Assembler
{
    readonly List<Instruction> _code = [];
    readonly List<(int Index, Label Target)> _fixups = [];
    readonly List<int?> _labels = [];

    /// <summary>A new, not yet placed label.</summary>
    public Label DefineLabel()
    {
        _labels.Add(null);
        return new Label(_labels.Count - 1);
    }

    /// <summary>Places <paramref name="label"/> at the next instruction.</summary>
    public Assembler Mark(Label label)
    {
        if (_labels[label.Id] is not null) throw new InvalidOperationException($"label {label.Id} is placed twice");
        _labels[label.Id] = _code.Count;
        return this;
    }

    /// <summary>Appends instructions that need no target.</summary>
    public Assembler Emit(params ReadOnlySpan<Instruction> instructions)
    {
        foreach (var i in instructions) _code.Add(i);
        return this;
    }

    /// <summary>Conditional jump comparing a register with an immediate.</summary>
    public Assembler Jump(byte op, Register dst, int imm, Label target) => AddJump(Instruction.Jump(op, dst, imm, 0), target);

    /// <summary>Conditional jump comparing two registers.</summary>
    public Assembler Jump(byte op, Register dst, Register src, Label target) => AddJump(Instruction.Jump(op, dst, src, 0), target);

    /// <summary>Unconditional jump.</summary>
    public Assembler Goto(Label target) => AddJump(Instruction.Ja(0), target);

    Assembler AddJump(Instruction jump, Label target)
    {
        _fixups.Add((_code.Count, target));
        _code.Add(jump);
        return this;
    }

    /// <summary>The instructions with every jump offset resolved.</summary>
    public IReadOnlyList<Instruction> Build()
    {
        // Slot index of each instruction, so offsets count slots as the kernel does.
        var slot = new int[_code.Count + 1];
        for (int i = 0; i < _code.Count; i++) slot[i + 1] = slot[i] + _code[i].Slots;
        var result = _code.ToArray();
        foreach (var (index, target) in _fixups)
        {
            var at = _labels[target.Id] ?? throw new InvalidOperationException($"label {target.Id} is jumped to but never placed");
            int offset = slot[at] - slot[index + 1];
            if (offset is < short.MinValue or > short.MaxValue) throw new InvalidOperationException($"jump from instruction {index} to label {target.Id} is out of range ({offset} slots)");
            result[index] = result[index] with { Offset = (short)offset };
        }
        return result;
    }
}
