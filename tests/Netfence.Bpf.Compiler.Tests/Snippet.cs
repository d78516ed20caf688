using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Elf;

namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// Compiles a C# snippet (usings for the SDK added) into a Release assembly with a portable PDB next to a copy of the
/// SDK, then runs the BPF compiler on it. The source file is written to disk so line_info can quote it.
/// </summary>
internal static class Snippet
{
    static readonly ConcurrentDictionary<string, CompilationResult> Cache = new();

    public const string Header = "using Netfence.Bpf.Sdk;\nnamespace T;\n";

    public static CompilationResult Compile(string source) => Cache.GetOrAdd(source, s => BpfCompiler.Compile(Emit(s)));

    /// <summary>The snippet built as a Debug build is (unoptimised IL), through the compiler.</summary>
    public static CompilationResult CompileUnoptimised(string source) => BpfCompiler.Compile(Emit(source, OptimizationLevel.Debug));

    /// <summary>
    /// Every program of <paramref name="source"/> through the frontend and the IR passes, for tests of the backend's
    /// stages; a program with diagnostics fails the test.
    /// </summary>
    internal static IReadOnlyList<IR.IrFunction> Lower(string source)
    {
        using var module = Frontend.AssemblyLoader.Load(Emit(source), out _);
        var diagnostics = new Diagnostics.DiagnosticBag();
        var discovery = new Frontend.ProgramDiscovery(module, diagnostics);
        discovery.Run();
        var functions = discovery.Programs.Select(p => BpfCompiler.Lower(new Frontend.IRBuilder(p, discovery), diagnostics)).ToList();
        Assert.Empty(diagnostics.Items);
        return functions;
    }

    /// <summary>Writes the snippet's assembly, PDB and a copy of the SDK to a fresh directory; returns the assembly's path.</summary>
    static string Emit(string source, OptimizationLevel optimization = OptimizationLevel.Release)
    {
        var dir = Path.Combine(Path.GetTempPath(), "nft-compiler-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var sourcePath = Path.Combine(dir, "Snippet.cs");
        var text = Header + source;
        File.WriteAllText(sourcePath, text);
        var tree = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest), sourcePath, System.Text.Encoding.UTF8);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(Sdk.Hook).Assembly.Location));
        var compilation = CSharpCompilation.Create("Snippet", [tree], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: optimization, allowUnsafe: true));
        var dll = Path.Combine(dir, "Snippet.dll");
        using (var pe = File.Create(dll))
        using (var pdb = File.Create(Path.Combine(dir, "Snippet.pdb")))
        {
            var emitted = compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: "Snippet.pdb"));
            Assert.True(emitted.Success, string.Join(Environment.NewLine, emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }
        File.Copy(typeof(Sdk.Hook).Assembly.Location, Path.Combine(dir, Path.GetFileName(typeof(Sdk.Hook).Assembly.Location)));
        return dll;
    }

    /// <summary>The line of the first occurrence of <paramref name="marker"/> in the compiled file (header included).</summary>
    public static int LineOf(string source, string marker)
    {
        var lines = (Header + source).Split('\n');
        for (int k = 0; k < lines.Length; k++)
            if (lines[k].Contains(marker, StringComparison.Ordinal)) return k + 1;
        throw new ArgumentException($"'{marker}' is not in the snippet");
    }

    public static CollectionSpec Read(CompilationResult result)
    {
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return BpfObjectReader.Read(result.ElfObject!, "Snippet.o");
    }

    /// <summary>The instructions of the only program of a one-program snippet.</summary>
    public static IReadOnlyList<Instruction> Program(string body, Sdk.Hook hook = Sdk.Hook.TcIngress, string members = "")
    {
        var context = hook is Sdk.Hook.CgroupConnect4 ? "SockAddr" : "SkBuff";
        var spec = Read(Compile($"public static class P {{ {members}\n[Program(Hook.{hook})] public static int M({context} ctx) {{ {body} }} }}"));
        return spec.Programs["M"].Instructions;
    }
}
