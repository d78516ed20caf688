using Netfence.Bpf.Asm;

namespace Netfence.Bpf.Disassembly;

/// <summary>
/// Names what an instruction's raw numbers point at: the map of a LD_IMM64 and the function of a
/// helper call. The default names maps by the instruction's <see cref="Instruction.Reference"/>
/// (objects) or by the kernel's map id (live programs), and helpers by id.
/// </summary>
public class OperandNames
{
    /// <summary>The shared default.</summary>
    public static OperandNames Default { get; } = new();

    /// <summary>
    /// The operand of a LD_IMM64 that loads a map (PSEUDO_MAP_FD, src 1) or a map value
    /// (PSEUDO_MAP_VALUE, src 2): <c>map[nf_counts]</c>, <c>map[.rodata]+4</c>; null for a plain constant.
    /// </summary>
    public virtual string? MapOperand(Instruction insn)
    {
        var src = (byte)insn.Src;
        if (src is not (OpCodes.PseudoMapFd or OpCodes.PseudoMapValue)) return insn.Reference is { } r ? $"map[{r}]" : null;
        var name = insn.Reference ?? $"id:{(uint)insn.Constant}";
        return src == OpCodes.PseudoMapFd ? $"map[{name}]" : $"map[{name}][0]+{(uint)(insn.Constant >> 32)}";
    }

    /// <summary>The callee of a helper call (src 0): <c>bpf_map_lookup_elem</c>; null when unknown.</summary>
    public virtual string? Helper(Instruction insn) => HelperNames.Find((int)insn.Constant);
}
