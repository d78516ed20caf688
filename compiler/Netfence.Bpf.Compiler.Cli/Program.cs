using Netfence.Bpf.Compiler;

// netfence-bpfc <assembly.dll> -o <dir> [--source-root <dir>]
// Diagnostics go to stdout in MSBuild's canonical form so an Exec task turns them into build errors.
string? assembly = null, output = null, sourceRoot = null;
for (int k = 0; k < args.Length; k++)
{
    switch (args[k])
    {
        case "-o" or "--output" when k + 1 < args.Length:
            output = args[++k];
            break;
        case "--source-root" when k + 1 < args.Length:
            sourceRoot = args[++k];
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: netfence-bpfc <assembly.dll> -o <dir> [--source-root <dir>]");
            return 0;
        default:
            if (assembly is null && !args[k].StartsWith('-')) assembly = args[k];
            else
            {
                Console.Error.WriteLine($"netfence-bpfc: unexpected argument '{args[k]}' (usage: netfence-bpfc <assembly.dll> -o <dir>)");
                return 2;
            }
            break;
    }
}
if (assembly is null || output is null)
{
    Console.Error.WriteLine("usage: netfence-bpfc <assembly.dll> -o <dir> [--source-root <dir>]");
    return 2;
}
if (!File.Exists(assembly))
{
    Console.Error.WriteLine($"netfence-bpfc: '{assembly}' does not exist");
    return 2;
}

var result = BpfCompiler.Compile(assembly, new CompilerOptions { SourceRoot = sourceRoot });
foreach (var d in result.Diagnostics) Console.WriteLine(d.ToString());
if (!result.Success) return 1;

Directory.CreateDirectory(output);
var path = Path.Combine(output, Path.GetFileNameWithoutExtension(assembly) + ".o");
File.WriteAllBytes(path, result.ElfObject!);
foreach (var p in result.Programs)
    Console.WriteLine($"netfence-bpfc: {p.Name} at {p.Hook} (section {p.Section}): {p.InstructionCount} instructions, {p.StackBytes} bytes of stack");
Console.WriteLine($"netfence-bpfc: wrote {path}");
return 0;
