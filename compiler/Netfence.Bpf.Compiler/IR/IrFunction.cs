using System.Text;

namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// One method body in IR: its blocks (entry first), virtual registers and frame slots. The frontend builds the
/// compiled function (a BPF program or a global function) and every method it calls as separate functions joined by
/// <see cref="CallInstruction"/>s; the inlining pass then splices the callees in, which is what reaches the backend.
/// A program's context pointer arrives in r1 and is copied into <see cref="Context"/> at entry; a global function's
/// parameters arrive in r1–r5 and are copied into its <see cref="EntryRegisters"/>. Calls of global functions stay
/// calls (<see cref="FunctionCallInstruction"/>).
/// </summary>
internal sealed class IrFunction
{
    readonly List<VirtualRegister> _registers = [];
    readonly List<StackSlot> _slots = [];
    readonly IdSource _ids;

    /// <summary>A program's function; the methods it calls are made with <see cref="NewCallee"/>.</summary>
    public IrFunction(string name) : this(name, new IdSource())
    {
    }

    IrFunction(string name, IdSource ids)
    {
        Name = name;
        _ids = ids;
    }

    public string Name { get; }

    public List<BasicBlock> Blocks { get; } = [];

    public BasicBlock Entry => Blocks[0];

    public IReadOnlyList<VirtualRegister> Registers => _registers;

    public IReadOnlyList<StackSlot> Slots => _slots;

    /// <summary>
    /// Scalar inputs of a called method, in the order of a call's operands, set by the inlining pass. Empty for the
    /// compiled function itself, whose inputs arrive in registers (<see cref="EntryRegisters"/>).
    /// </summary>
    public List<VirtualRegister> Parameters { get; } = [];

    /// <summary>
    /// The register holding the context pointer (defined from r1 before the first block runs), shared by the
    /// functions of the methods a program calls; a global function has none.
    /// </summary>
    public VirtualRegister Context { get; private set; } = null!;

    /// <summary>Registers defined from r1, r2, ... before the first block runs: the context, or a function's parameters.</summary>
    public List<VirtualRegister> EntryRegisters { get; } = [];

    /// <summary>Position of the method's first sequence point, for the entry code.</summary>
    public SourcePosition? EntryPosition { get; set; }

    /// <summary>Whether the inlining pass already spliced this function into its caller.</summary>
    public bool IsInlined { get; private set; }

    /// <summary>
    /// A function for a method called from this one. It shares the program's register, slot and block numbering, so
    /// inlining can move its parts into the caller unchanged and the backend sees the numbering it would have seen
    /// had the frontend inlined, and it shares the context register: a callee reads the program's context.
    /// </summary>
    public IrFunction NewCallee(string name) => new(name, _ids) { Context = Context };

    public VirtualRegister NewRegister(Width width, string name)
    {
        var r = new VirtualRegister(_ids.NextRegister++, width, name);
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
        var s = new StackSlot(_ids.NextSlot++, size, name);
        _slots.Add(s);
        return s;
    }

    public BasicBlock NewBlock(string label)
    {
        var b = new BasicBlock(_ids.NextBlock++, label);
        Blocks.Add(b);
        return b;
    }

    /// <summary>
    /// Takes over <paramref name="callee"/>'s blocks, registers and slots (the inlining pass rewires its entry and
    /// returns). Registers and slots stay in creation order, which the register allocator and the frame layout follow.
    /// </summary>
    public void Absorb(IrFunction callee)
    {
        if (callee._ids != _ids || callee.IsInlined)
            throw new InvalidOperationException($"'{callee.Name}' cannot be inlined into '{Name}' twice or across programs");
        callee.IsInlined = true;
        Blocks.AddRange(callee.Blocks);
        _registers.AddRange(callee._registers);
        _registers.Sort((x, y) => x.Id.CompareTo(y.Id));
        _slots.AddRange(callee._slots);
        _slots.Sort((x, y) => x.Id.CompareTo(y.Id));
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

    /// <summary>Numbering shared by a program and the functions of the methods it calls.</summary>
    sealed class IdSource
    {
        public int NextRegister;
        public int NextSlot;
        public int NextBlock;
    }
}
