using Mono.Cecil;
using Mono.Cecil.Cil;
using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Compiler.DiffTests.Corpus;

/// <summary>
/// A copy of the corpus assembly (and its PDB) in which only some programs keep their [Program] attribute. The
/// compiler rejects a whole assembly when one program fails, and the loader a whole object when one program fails
/// the verifier, so known gaps are compiled apart from the rest: the required programs in one variant, each gap
/// alone in its own.
/// </summary>
public sealed class CorpusVariant : IDisposable
{
    private readonly string _directory;

    private CorpusVariant(string directory, string assemblyPath)
    {
        _directory = directory;
        AssemblyPath = assemblyPath;
    }

    /// <summary>The variant's assembly, next to a copy of the SDK the compiler resolves it against.</summary>
    public string AssemblyPath { get; }

    /// <summary>Writes a variant of <paramref name="corpusPath"/> keeping the programs <paramref name="keep"/> accepts.</summary>
    public static CorpusVariant Write(string corpusPath, Func<string, bool> keep)
    {
        var directory = Directory.CreateTempSubdirectory("netfence-diffcorpus-").FullName;
        var source = Path.GetDirectoryName(corpusPath)!;
        File.Copy(typeof(SkBuff).Assembly.Location, Path.Combine(directory, Path.GetFileName(typeof(SkBuff).Assembly.Location)));
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(source);
        var parameters = new ReaderParameters { AssemblyResolver = resolver, ReadSymbols = true, SymbolReaderProvider = new PortablePdbReaderProvider(), InMemory = true };
        using var module = ModuleDefinition.ReadModule(corpusPath, parameters);
        foreach (var method in module.Types.SelectMany(t => t.Methods))
        {
            var program = method.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == typeof(ProgramAttribute).FullName);
            if (program is not null && !keep(method.Name))
                method.CustomAttributes.Remove(program);
        }
        var path = Path.Combine(directory, Path.GetFileName(corpusPath));
        module.Write(path, new WriterParameters { WriteSymbols = true, SymbolWriterProvider = new PortablePdbWriterProvider() });
        return new CorpusVariant(directory, path);
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
