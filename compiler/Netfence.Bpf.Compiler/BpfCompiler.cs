using Netfence.Bpf.Compiler.Backend;
using Netfence.Bpf.Compiler.Diagnostics;
using Netfence.Bpf.Compiler.Elf;
using Netfence.Bpf.Compiler.Frontend;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Compiler.Passes;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler;

/// <summary>Compiles the BPF programs of a C# assembly into one relocatable eBPF ELF object.</summary>
public static class BpfCompiler
{
    /// <summary>
    /// Reads <paramref name="assemblyPath"/> (and its portable PDB), compiles every [Program] method with the code it
    /// reaches, and returns the object or the NF diagnostics, each at its C# location. Never throws for a problem in
    /// the input: unreadable assemblies and unsupported constructs are diagnostics.
    /// </summary>
    public static CompilationResult Compile(string assemblyPath, CompilerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(assemblyPath);
        options ??= new CompilerOptions();
        var diagnostics = new DiagnosticBag();
        Mono.Cecil.ModuleDefinition module;
        try
        {
            module = AssemblyLoader.Load(assemblyPath, out _);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            diagnostics.Report(DiagnosticCatalogue.UnsupportedConstruct, new SourcePosition(assemblyPath, 0, 0), $"the assembly cannot be read ({e.Message})");
            return new CompilationResult(null, diagnostics.Items, []);
        }
        using (module)
        {
            try
            {
                return CompileModule(module, options, diagnostics);
            }
            catch (Mono.Cecil.AssemblyResolutionException e)
            {
                diagnostics.Report(DiagnosticCatalogue.UnsupportedConstruct, new SourcePosition(assemblyPath, 0, 0),
                    $"a referenced assembly cannot be found next to the program assembly ({e.AssemblyReference.Name})");
                return new CompilationResult(null, diagnostics.Items, []);
            }
        }
    }

    static CompilationResult CompileModule(Mono.Cecil.ModuleDefinition module, CompilerOptions options, DiagnosticBag diagnostics)
    {
        var discovery = new ProgramDiscovery(module, diagnostics);
        discovery.Run();
        // After discovery: an assembly with no programs has nothing to compile, whatever its IL, and is told so.
        if (discovery.Programs.Count > 0 && AssemblyLoader.IsUnoptimised(module))
        {
            diagnostics.Report(DiagnosticCatalogue.UnoptimisedAssembly, new SourcePosition(module.FileName ?? module.Name, 0, 0), module.Name);
            return new CompilationResult(null, diagnostics.Items, []);
        }
        var compiled = new List<(ProgramDeclaration, MachineFunction)>();
        var called = new Dictionary<Mono.Cecil.MethodDefinition, GlobalFunctionDeclaration>();
        var programBuilders = new List<(ProgramDeclaration Program, IRBuilder Builder)>();
        foreach (var program in discovery.Programs)
        {
            var builder = new IRBuilder(program, discovery);
            if (Compile(builder, program.Method, program.Name, diagnostics) is { } machine) compiled.Add((program, machine));
            foreach (var (method, declaration) in builder.CalledFunctions) called.TryAdd(method, declaration);
            programBuilders.Add((program, builder));
        }

        // Each global function once, with the ones it calls in turn.
        var functions = new List<(GlobalFunctionDeclaration, MachineFunction)>();
        var functionBodies = new Dictionary<Mono.Cecil.MethodDefinition, (List<RestrictedHelperCall>, IEnumerable<Mono.Cecil.MethodDefinition>)>();
        var pending = new Queue<GlobalFunctionDeclaration>(called.Values);
        while (pending.TryDequeue(out var function))
        {
            if (functionBodies.ContainsKey(function.Method)) continue;
            var builder = new IRBuilder(function, discovery);
            if (Compile(builder, function.Method, function.Name, diagnostics) is { } machine) functions.Add((function, machine));
            functionBodies[function.Method] = (builder.RestrictedHelperCalls, builder.CalledFunctions.Keys);
            foreach (var next in builder.CalledFunctions.Values) pending.Enqueue(next);
        }
        foreach (var (program, builder) in programBuilders)
            HelperAvailability.Check(program, builder.RestrictedHelperCalls, builder.CalledFunctions.Keys, functionBodies, diagnostics);
        if (diagnostics.HasErrors) return new CompilationResult(null, diagnostics.Items, []);

        var maps = discovery.Maps.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        var config = discovery.Config.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var elf = new ObjectBuilder(new SourceText(options.SourceRoot)).Build(compiled, functions, maps, config, discovery.License);
        var programs = compiled.Select(c => new CompiledProgram(c.Item1.Name, c.Item1.Section,
            Asm.InstructionStream.CountSlots(c.Item2.Instructions), c.Item2.StackBytes, c.Item1.Hook)).ToList();
        return new CompilationResult(elf, diagnostics.Items, programs);
    }

    /// <summary>Compiles one program or global function; null (with diagnostics reported) when it cannot.</summary>
    static MachineFunction? Compile(IRBuilder builder, Mono.Cecil.MethodDefinition method, string name, DiagnosticBag diagnostics)
    {
        int before = diagnostics.Items.Count;
        try
        {
            var function = Lower(builder, diagnostics);
            if (diagnostics.Items.Count > before) return null;
            var allocation = new RegisterAllocator(function);
            int stack = FrameLayout.Run(function, allocation);
            if (stack > FrameLayout.MaxStackBytes)
            {
                diagnostics.Report(DiagnosticCatalogue.StackFrameTooLarge, function.EntryPosition, name, stack);
                return null;
            }
            return InstructionSelector.Select(function, allocation, stack);
        }
        catch (CompilationAbortedException e)
        {
            diagnostics.Report(e.Entry, e.Position, e.Arguments);
        }
        catch (AlreadyReportedException)
        {
            // The diagnostic is in the bag already.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A compiler bug must still surface as a diagnostic at the program, never as a crash of the build.
            diagnostics.Report(DiagnosticCatalogue.UnsupportedConstruct, SequencePoints.Of(method),
                $"internal compiler error in '{name}': {e.GetType().Name}: {e.Message}");
        }
        return null;
    }

    /// <summary>Frontend and IR passes of one program or global function.</summary>
    internal static IrFunction Lower(IRBuilder builder, DiagnosticBag diagnostics)
    {
        var function = builder.Build();
        // Every later pass, and the backend's lifetimes and frame sharing, see one function with the callees spliced in.
        Inlining.Run(function);
        var packetChecks = new VerifyPacketChecks(function);
        DeadCodeElimination.Run(function);
        ConstantFolding.Run(function);
        FuseCompareBranches.Run(function);
        DeadCodeElimination.Run(function);
        ProveLoopBounds.Run(function, diagnostics);
        packetChecks.Check(function);
        ProveDivisors.Run(function, diagnostics);
        // The checks above ran on the code as written; what follows only makes it smaller (docs in compiler/README.md).
        ThreadBranches.Run(function);
        ConstantFolding.Run(function);
        FuseCompareBranches.Run(function);
        ForwardFrameLoads.Run(function);
        ForwardPointerLoads.Run(function);
        PropagateCopies.Run(function);
        ConstantFolding.Run(function);
        EliminateDeadStores.Run(function);
        DeadCodeElimination.Run(function);
        // Constants forwarded from the frame decide more branches.
        ThreadBranches.Run(function);
        ForwardResults.Run(function);
        DeadCodeElimination.Run(function);
        // Last, on the final loads: header fields read through the checked pointer leave TryRead's copy unread, which
        // the dead stores pass then reduces to its bounds check. No pass after this one knows a second definition.
        ReadPacketInPlace.Run(function);
        EliminateDeadStores.Run(function);
        DeadCodeElimination.Run(function);
        packetChecks.Check(function);
        return function;
    }
}
