using Netfence.Bpf.Elf;

namespace Netfence.Bpf.Compiler.KernelTests;

/// <summary>Compiles a sample assembly (copied next to the tests by its project reference) with the compiler under test.</summary>
internal static class CompiledSamples
{
    public static string AssemblyPath(string name) => Path.Combine(AppContext.BaseDirectory, name + ".dll");

    public static byte[] Compile(string name)
    {
        var result = BpfCompiler.Compile(AssemblyPath(name));
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return result.ElfObject!;
    }

    public static CollectionSpec Spec(string name) => BpfObjectReader.Read(Compile(name), name + ".o");

    public static string WriteObject(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"nft-{name}-{Environment.ProcessId}.o");
        File.WriteAllBytes(path, Compile(name));
        return path;
    }
}
