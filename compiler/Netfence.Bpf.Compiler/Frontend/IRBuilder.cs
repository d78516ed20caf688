using Mono.Cecil;
using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.Diagnostics;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>
/// Builds the IR of one program or global function by abstract interpretation of the IL evaluation stack: it and
/// every user method it calls each become an <see cref="IrFunction"/>, joined by <see cref="CallInstruction"/>s that
/// the inlining pass resolves (a call of a global function is a <see cref="FunctionCallInstruction"/> instead, which
/// stays a call). C# references, the context and maps stay compile-time values (a callee is built for its
/// call site, with its reference arguments bound), so every reference is a fixed frame offset in the end. The opcode
/// families live in partial files: Arithmetic, Compare, Convert, ControlFlow, Calls, Fields, Variables; SDK members
/// in Intrinsics/.
/// </summary>
internal sealed partial class IRBuilder
{
    const int MaxCallDepth = 32;

    readonly MethodDefinition _root;
    readonly GlobalFunctionDeclaration? _globalFunction;
    readonly ProgramDiscovery _discovery;
    /// <summary>The methods being built, innermost on top, with their functions: a call to one of them is a cycle.</summary>
    readonly Stack<(MethodDefinition Method, IrFunction Function)> _calls = new();
    IrFunction _function;
    BasicBlock _current = null!;
    MethodFrame _frame = null!;
    SourcePosition? _position;

    public IRBuilder(ProgramDeclaration program, ProgramDiscovery discovery)
    {
        _root = program.Method;
        _discovery = discovery;
        _function = new IrFunction(program.Name);
    }

    /// <summary>A builder for a global function's own body.</summary>
    public IRBuilder(GlobalFunctionDeclaration function, ProgramDiscovery discovery)
    {
        _root = function.Method;
        _globalFunction = function;
        _discovery = discovery;
        _function = new IrFunction(function.Name);
    }

    /// <summary>The global functions the code calls (each compiled once, on its own).</summary>
    public Dictionary<MethodDefinition, GlobalFunctionDeclaration> CalledFunctions { get; } = [];

    /// <summary>
    /// Builds the program's (or global function's) function and, reachable through its calls, those of the methods
    /// it calls; throws <see cref="CompilationAbortedException"/> at the first construct it cannot compile.
    /// </summary>
    public IrFunction Build()
    {
        _function.EntryPosition = SequencePoints.Of(_root);
        _position = _function.EntryPosition;
        _current = _function.NewBlock("entry");
        var frame = new MethodFrame(_root, _function, isRoot: true);
        BuildBody(frame, _globalFunction is null ? BindContext() : BindGlobalParameters(_globalFunction));
        return _function;
    }

    StackValue[] BindContext()
    {
        _function.DefineContext();
        return [ContextValue.Instance];
    }

    /// <summary>One method body being built: its function, variables, IL blocks and how it returns.</summary>
    sealed class MethodFrame(MethodDefinition method, IrFunction function, bool isRoot)
    {
        public MethodDefinition Method { get; } = method;

        public IrFunction Function { get; } = function;

        public SequencePoints Points { get; } = new(method);

        /// <summary>
        /// The body of the compiled program or global function itself: its returns leave with the verdict or result
        /// in r0, and its arguments are the context or the registers r1–r5, not the operands of a call.
        /// </summary>
        public bool IsRoot { get; } = isRoot;

        public Variable[] Arguments { get; set; } = [];

        public Variable[] Locals { get; set; } = [];

        /// <summary>Width of the scalar a called method returns, or null.</summary>
        public Width? ReturnWidth { get; set; }

        /// <summary>Where a called method stores a struct result (a caller's slot) or binds a reference result.</summary>
        public Variable? Result { get; set; }

        /// <summary>Scalar arguments and the parameter registers they become, in call-operand order.</summary>
        public List<(ScalarValue Argument, VirtualRegister Parameter)> ScalarArguments { get; } = [];

        public Dictionary<Instruction, BasicBlock> Blocks { get; } = [];

        public Dictionary<BasicBlock, StackValue[]> EntryStacks { get; } = [];

        public HashSet<Instruction> Leaders { get; } = [];
    }

    CompilationAbortedException Abort(DiagnosticEntry entry, params object[] arguments) => new(entry, _position, arguments);

    CompilationAbortedException Unsupported(string what) => Abort(DiagnosticCatalogue.UnsupportedConstruct, what);

    void Emit(IrInstruction instruction) => _current.Instructions.Add(instruction);

    void Terminate(Terminator terminator)
    {
        _current.Terminator ??= terminator;
    }

    VirtualRegister Temp(Width width) => _function.NewRegister(width, "t");

    /// <summary>Interprets <paramref name="frame"/>'s method with the given argument values, starting in the current block.</summary>
    void BuildBody(MethodFrame frame, IReadOnlyList<StackValue> arguments)
    {
        var method = frame.Method;
        if (!method.HasBody) throw Unsupported($"'{method.FullName}' has no IL body");
        var body = method.Body;
        if (body.HasExceptionHandlers)
        {
            var handler = body.ExceptionHandlers[0];
            _position = frame.Points.At(handler.TryStart.Offset);
            throw Abort(DiagnosticCatalogue.ExceptionHandling, handler.HandlerType switch
            {
                ExceptionHandlerType.Finally => "try/finally",
                ExceptionHandlerType.Fault => "fault",
                _ => "try/catch",
            });
        }

        _frame = frame;
        _calls.Push((method, frame.Function));
        _position = frame.Points.First ?? _position;
        BindArguments(frame, arguments);
        DeclareLocals(frame);
        FindLeaders(frame);

        var entry = BlockAt(body.Instructions[0]);
        Terminate(new JumpTerminator(_position, entry));
        frame.EntryStacks[entry] = [];
        var pending = new Queue<Instruction>();
        var done = new HashSet<Instruction>();
        pending.Enqueue(body.Instructions[0]);
        while (pending.Count > 0)
        {
            var leader = pending.Dequeue();
            if (!done.Add(leader)) continue;
            foreach (var next in InterpretBlock(leader))
                if (!done.Contains(next)) pending.Enqueue(next);
        }
        _calls.Pop();
    }

    void FindLeaders(MethodFrame frame)
    {
        var instructions = frame.Method.Body.Instructions;
        frame.Leaders.Add(instructions[0]);
        foreach (var i in instructions)
        {
            switch (i.Operand)
            {
                case Instruction target:
                    frame.Leaders.Add(target);
                    if (i.Next is not null) frame.Leaders.Add(i.Next);
                    break;
                case Instruction[] targets:
                    foreach (var t in targets) frame.Leaders.Add(t);
                    if (i.Next is not null) frame.Leaders.Add(i.Next);
                    break;
            }
            if (i.OpCode.FlowControl is FlowControl.Return or FlowControl.Throw && i.Next is not null) frame.Leaders.Add(i.Next);
        }
    }

    BasicBlock BlockAt(Instruction leader)
    {
        if (!_frame.Blocks.TryGetValue(leader, out var block))
        {
            block = _function.NewBlock($"{_frame.Method.Name}:IL_{leader.Offset:x4}");
            _frame.Blocks[leader] = block;
        }
        return block;
    }

    /// <summary>Interprets one IL basic block; returns the leaders of the blocks it flows to.</summary>
    List<Instruction> InterpretBlock(Instruction leader)
    {
        var block = BlockAt(leader);
        _current = block;
        var stack = new Stack<StackValue>(_frame.EntryStacks.TryGetValue(block, out var entry) ? entry : []);
        var successors = new List<Instruction>();
        for (var i = leader; i is not null; i = i.Next)
        {
            if (i != leader && _frame.Leaders.Contains(i))
            {
                // Falling into the next block.
                FlowTo(i, stack);
                Terminate(new JumpTerminator(_position, BlockAt(i)));
                successors.Add(i);
                break;
            }
            _position = _frame.Points.At(i.Offset);
            if (Interpret(i, stack, successors)) break;
        }
        return successors;
    }

    /// <summary>Records the stack a block is entered with, moving scalars into the block's entry registers.</summary>
    void FlowTo(Instruction target, Stack<StackValue> stack)
    {
        var block = BlockAt(target);
        var values = stack.Reverse().ToArray();
        if (!_frame.EntryStacks.TryGetValue(block, out var entry))
        {
            entry = new StackValue[values.Length];
            for (int k = 0; k < values.Length; k++)
            {
                entry[k] = values[k] switch
                {
                    ScalarValue s => new ScalarValue(Operand.Of(_function.NewRegister(s.Width, $"s{k}")), s.Width),
                    StructValue v => new StructValue(new StackAddress(_function.NewSlot(TypeLayout.SizeOf(v.Type), $"s{k}"), 0), v.Type),
                    var other => other,
                };
            }
            _frame.EntryStacks[block] = entry;
        }
        if (entry.Length != values.Length) throw Unsupported("a branch target reached with different stack depths");
        for (int k = 0; k < values.Length; k++)
        {
            switch (entry[k], values[k])
            {
                case (ScalarValue e, ScalarValue v):
                    Emit(new MoveInstruction(_position, e.Operand.Register!, Widen(v, e.Width).Operand));
                    break;
                case (StructValue e, StructValue v):
                    if (e.Address != v.Address) Emit(new StackCopyInstruction(_position, e.Address, v.Address, TypeLayout.SizeOf(e.Type)));
                    break;
                case var (e, v) when e == v:
                    break;
                default:
                    throw Unsupported(UnsupportedConstructs.RuntimeReference);
            }
        }
    }

    ScalarValue Widen(ScalarValue value, Width width)
    {
        if (value.Width == width) return value;
        if (width == Width.W32) return Convert(value, ExtendKind.Truncate64To32, Width.W32);
        return Convert(value, ExtendKind.SignExtend32To64, Width.W64);
    }

    ScalarValue Convert(ScalarValue value, ExtendKind kind, Width width)
    {
        var dst = Temp(width);
        Emit(new ExtendInstruction(_position, kind, dst, value.Operand));
        return new ScalarValue(Operand.Of(dst), width);
    }

    static Width WidthOf(TypeReference type) => TypeLayout.ScalarSize(type) == 8 ? Width.W64 : Width.W32;

    ScalarValue PopScalar(Stack<StackValue> stack)
    {
        if (stack.Pop() is ScalarValue s) return s;
        throw Unsupported("a non-integer value where IL expects a number (pointer arithmetic or a reference compared)");
    }

    /// <summary>Interprets one instruction; true when it ends the block.</summary>
    bool Interpret(Instruction i, Stack<StackValue> stack, List<Instruction> successors)
    {
        var code = i.OpCode.Code;
        if (Constants.TryGetConstant(i, out var constant))
        {
            stack.Push(new ScalarValue(Operand.Of(code == Code.Ldc_I8 ? constant : (int)constant), code == Code.Ldc_I8 ? Width.W64 : Width.W32));
            return false;
        }
        if (TryVariables(i, stack)) return false;
        if (TryArithmetic(i, stack)) return false;
        if (TryCompare(i, stack)) return false;
        if (TryConvert(i, stack)) return false;
        if (TryFields(i, stack)) return false;
        if (TryCall(i, stack)) return false;
        if (TryControlFlow(i, stack, successors, out var ends)) return ends;
        throw Rejected(i);
    }

    /// <summary>The NF diagnostic for an opcode the subset excludes.</summary>
    CompilationAbortedException Rejected(Instruction i) => i.OpCode.Code switch
    {
        Code.Ldstr => Abort(DiagnosticCatalogue.StringUse, $"\"{i.Operand}\""),
        Code.Ldc_R4 or Code.Ldc_R8 or Code.Conv_R4 or Code.Conv_R8 or Code.Conv_R_Un or Code.Ckfinite =>
            Abort(DiagnosticCatalogue.FloatingPoint, i.OpCode.Name),
        Code.Newarr or Code.Ldelem_Any or Code.Ldelem_I or Code.Ldelem_I1 or Code.Ldelem_I2 or Code.Ldelem_I4 or Code.Ldelem_I8
            or Code.Ldelem_U1 or Code.Ldelem_U2 or Code.Ldelem_U4 or Code.Ldelem_Ref or Code.Ldelema or Code.Ldlen
            or Code.Stelem_Any or Code.Stelem_I or Code.Stelem_I1 or Code.Stelem_I2 or Code.Stelem_I4 or Code.Stelem_I8 or Code.Stelem_Ref =>
            Abort(DiagnosticCatalogue.ArrayAllocation, (i.Operand as TypeReference)?.Name ?? "array"),
        Code.Box => Abort(DiagnosticCatalogue.Boxing, ((TypeReference)i.Operand).Name, "object"),
        Code.Unbox or Code.Unbox_Any or Code.Isinst or Code.Castclass => Abort(DiagnosticCatalogue.Boxing, (i.Operand as TypeReference)?.Name ?? "value", "object"),
        Code.Ldftn or Code.Ldvirtftn or Code.Calli => Abort(DiagnosticCatalogue.LambdaOrDelegate, i.OpCode.Name),
        Code.Throw or Code.Rethrow => Abort(DiagnosticCatalogue.Throw),
        Code.Leave or Code.Leave_S or Code.Endfinally or Code.Endfilter => Abort(DiagnosticCatalogue.ExceptionHandling, i.OpCode.Name),
        Code.Localloc or Code.Ldind_I or Code.Stind_I or Code.Cpblk or Code.Initblk or Code.Arglist or Code.Mkrefany or Code.Refanyval or Code.Refanytype =>
            Abort(DiagnosticCatalogue.UnsafeCode, i.OpCode.Name),
        Code.Ldnull => Abort(DiagnosticCatalogue.ReferenceTypeVariable, "null"),
        _ when i.OpCode.Name.Contains(".ovf", StringComparison.Ordinal) => Abort(DiagnosticCatalogue.CheckedArithmetic, i.OpCode.Name),
        _ => Unsupported($"the IL instruction '{i.OpCode.Name}'"),
    };
}
