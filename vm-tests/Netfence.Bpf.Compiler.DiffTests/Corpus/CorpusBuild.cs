using System.Diagnostics;
using Netfence.Bpf.DiffCorpus;
using Netfence.Bpf.Elf;

namespace Netfence.Bpf.Compiler.DiffTests.Corpus;

/// <summary>
/// The corpus compiled by <see cref="BpfCompiler"/> and loaded into the kernel, once per test run and shared by
/// every differential test (an xunit collection fixture). The required programs are compiled together; known gaps
/// are left out of that compilation (<see cref="CorpusVariant"/>) and compiled alone on request. Compiling and
/// loading happen on first use, so a run where every kernel test skips does no work.
/// </summary>
public sealed class CorpusBuild : IDisposable
{
    private readonly Lazy<CompilationResult> _compilation;
    private readonly Lazy<Collection> _collection;

    /// <summary>Prepares the build without doing it.</summary>
    public CorpusBuild()
    {
        _compilation = new Lazy<CompilationResult>(() => Compile(program => KnownCompilerGaps.Reason(program) is null));
        _collection = new Lazy<Collection>(() => Load(Compilation));
    }

    /// <summary>The corpus assembly on disk.</summary>
    public static string AssemblyPath => typeof(Layout).Assembly.Location;

    /// <summary>How long compiling the required programs took.</summary>
    public TimeSpan CompileTime { get; private set; }

    /// <summary>The compiler's result for the required programs.</summary>
    public CompilationResult Compilation => _compilation.Value;

    /// <summary>The loaded object: every required program and every map in the kernel.</summary>
    public Collection Collection => _collection.Value;

    /// <summary>Compiles <paramref name="program"/> alone (a known gap); the result may well be a failure.</summary>
    public static CompilationResult CompileAlone(string program) => CompileVariant(name => name == program);

    /// <summary>Loads a compiled object; a verifier rejection throws <see cref="Programs.VerifierException"/>.</summary>
    public static Collection Load(CompilationResult compilation) => CollectionLoader.Load(Read(compilation));

    /// <summary>
    /// Loads the required programs again with the configuration variables in <paramref name="values"/> (by field
    /// name) rewritten; the caller disposes the collection.
    /// </summary>
    public Collection LoadPatched(IReadOnlyDictionary<string, object> values)
    {
        var spec = Read(Compilation);
        foreach (var (name, value) in values)
            spec.RewriteConstant(name, ConfigurationBytes.Of(value));
        return CollectionLoader.Load(spec);
    }

    /// <summary>A compilation's diagnostics, one per line, for failure messages.</summary>
    public static string DiagnosticsText(CompilationResult compilation) => string.Join(Environment.NewLine,
        compilation.Diagnostics.Select(d => $"{d.Id} {d.File}({d.Line},{d.Column}): {d.Message}"));

    /// <inheritdoc />
    public void Dispose()
    {
        if (_collection.IsValueCreated)
            _collection.Value.Dispose();
    }

    private CompilationResult Compile(Func<string, bool> keep)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = CompileVariant(keep);
        CompileTime = stopwatch.Elapsed;
        return result;
    }

    private static CompilationResult CompileVariant(Func<string, bool> keep)
    {
        var options = new CompilerOptions { SourceRoot = SourceRoot() };
        if (CorpusCatalog.Entries.All(e => keep(e.Program)))
            return BpfCompiler.Compile(AssemblyPath, options);
        using var variant = CorpusVariant.Write(AssemblyPath, keep);
        return BpfCompiler.Compile(variant.AssemblyPath, options);
    }

    private static CollectionSpec Read(CompilationResult compilation)
    {
        var elf = compilation.ElfObject
                  ?? throw new InvalidOperationException($"the compiler rejected the corpus:{Environment.NewLine}{DiagnosticsText(compilation)}");
        return BpfObjectReader.Read(elf, "Netfence.Bpf.DiffCorpus.o");
    }

    // The corpus sources, for the compiler's line information: found above the test binaries.
    private static string? SourceRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var corpus = Path.Combine(directory.FullName, "vm-tests", "Netfence.Bpf.DiffCorpus");
            if (Directory.Exists(corpus))
                return corpus;
        }
        return null;
    }
}
