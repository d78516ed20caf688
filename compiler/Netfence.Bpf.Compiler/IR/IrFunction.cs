using System.Text;

namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// One BPF program or global function after inlining: its blocks (entry first), virtual registers and frame slots.
/// A program's context pointer arrives in r1 and is copied into <see cref="Context"/> at entry; a global function's
/// parameters arrive in r1–r5 and are copied into its <see cref="EntryRegisters"/>.
/// </summary>
internal sealed class IrFunction(string name)
{
    readonly List<VirtualRegister> _registers = [];
    readonly List<StackSlot> _slots = [];

    public string Name { get; } = name;

    public List<BasicBlock> Blocks { get; } = [];

    public BasicBlock Entry => Blocks[0];

    public IReadOnlyList<VirtualRegister> Registers => _registers;

    public IReadOnlyList<StackSlot> Slots => _slots;

    /// <summary>The register holding the context pointer (defined from r1 before the first block runs); a global function has none.</summary>
    public VirtualRegister Context { get; private set; } = null!;

    /// <summary>Registers defined from r1, r2, ... before the first block runs: the context, or a function's parameters.</summary>
    public List<VirtualRegister> EntryRegisters { get; } = [];

    /// <summary>Position of the method's first sequence point, for the entry code.</summary>
    public SourcePosition? EntryPosition { get; set; }

    public VirtualRegister NewRegister(Width width, string name)
    {
        var r = new VirtualRegister(_registers.Count, width, name);
        _registers.Add(r);
        return r;
    }

    public VirtualRegister DefineContext()
    {
        Context = NewRegister(Width.W64, "ctx");
        EntryRegisters.Add(Context);
        return Context;
    }

    public VirtualRegister DefineParameter(Width width, string name)
    {
        var r = NewRegister(width, name);
        EntryRegisters.Add(r);
        return r;
    }

    public StackSlot NewSlot(int size, string name)
    {
        var s = new StackSlot(_slots.Count, size, name);
        _slots.Add(s);
        return s;
    }

    public BasicBlock NewBlock(string label)
    {
        var b = new BasicBlock(Blocks.Count == 0 ? 0 : Blocks.Max(x => x.Id) + 1, label);
        Blocks.Add(b);
        return b;
    }

    /// <summary>A readable listing, for tests and debugging.</summary>
    public string Dump()
    {
        var sb = new StringBuilder();
        foreach (var b in Blocks)
        {
            sb.Append(b).Append(" (").Append(b.Label).AppendLine("):");
            foreach (var i in b.Instructions) sb.Append("  ").AppendLine(i.ToString());
            sb.Append("  ").AppendLine(b.Terminator?.ToString() ?? "<no terminator>");
        }
        return sb.ToString();
    }
}
