using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>Opens a programs assembly with Cecil, with its portable PDB when there is one (for C# locations).</summary>
internal static class AssemblyLoader
{
    public static ModuleDefinition Load(string path, out bool hasSymbols)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // The BCL, for resolving calls into it (which are then rejected with a precise name).
        resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location)!);
        var parameters = new ReaderParameters { AssemblyResolver = resolver, ReadingMode = ReadingMode.Immediate, InMemory = true };
        try
        {
            hasSymbols = true;
            return ModuleDefinition.ReadModule(path, new ReaderParameters
            {
                AssemblyResolver = resolver,
                ReadingMode = ReadingMode.Immediate,
                InMemory = true,
                ReadSymbols = true,
                SymbolReaderProvider = new PortablePdbReaderProvider(),
            });
        }
        catch (Exception e) when (e is SymbolsNotFoundException or SymbolsNotMatchingException or FileNotFoundException && File.Exists(path))
        {
            hasSymbols = false;
            return ModuleDefinition.ReadModule(path, parameters);
        }
    }

    /// <summary>
    /// Whether the C# compiler built the assembly without optimisation: its DebuggableAttribute then carries
    /// DisableOptimizations (0x100), which Roslyn sets for a Debug build and never for a Release one.
    /// </summary>
    public static bool IsUnoptimised(ModuleDefinition module)
    {
        const int disableOptimizations = 0x100;
        var debuggable = module.Assembly?.CustomAttributes.FirstOrDefault(a => a.AttributeType.FullName == "System.Diagnostics.DebuggableAttribute");
        if (debuggable is null || debuggable.ConstructorArguments.Count != 1) return false;
        return debuggable.ConstructorArguments[0].Value is int modes && (modes & disableOptimizations) != 0;
    }
}
