using System.Reflection;
using Netfence.Bpf.Compiler.DiffTests.Corpus;
using Netfence.Bpf.Compiler.DiffTests.Running;
using Netfence.Bpf.Sdk;
using Netfence.Bpf.Syscalls;
using Netfence.KernelTesting;
using Xunit.Abstractions;

namespace Netfence.Bpf.Compiler.DiffTests;

/// <summary>
/// Every corpus program, compiled to eBPF and run in the kernel, must behave exactly like the same C# run as .NET:
/// same return value, same packet bytes afterwards, same context fields, same map contents, on every input.
/// </summary>
[Collection(CorpusCollection.Name)]
public sealed class DifferentialTests(CorpusBuild build, ITestOutputHelper output)
{
    /// <summary>Every program of the catalog.</summary>
    public static TheoryData<string> Programs => [.. CorpusCatalog.Entries.Select(e => e.Program)];

    [KernelFact]
    public void CorpusCompilesAndLoads()
    {
        var diagnostics = CorpusBuild.DiagnosticsText(build.Compilation);
        output.WriteLine($"compiled {CorpusBuild.AssemblyPath} in {build.CompileTime.TotalMilliseconds:0} ms");
        output.WriteLine(diagnostics);
        Assert.True(build.Compilation.Success, diagnostics);
        var compiled = build.Compilation.Programs.Select(p => p.Name).Order().ToList();
        var expected = CorpusCatalog.Entries.Select(e => e.Program).Where(p => KnownCompilerGaps.Reason(p) is null).Order().ToList();
        Assert.Equal(expected, compiled);
        Assert.Equal(expected, build.Collection.Programs.Keys.Order().ToList());
        foreach (var program in build.Compilation.Programs.OrderBy(p => p.Name))
            output.WriteLine($"{program.Name}: {program.InstructionCount} instructions, {program.StackBytes} stack bytes, section {program.Section}");
    }

    [KernelTheory]
    [MemberData(nameof(Programs))]
    public void KernelAndDotNetAgree(string program)
    {
        var entry = CorpusCatalog.Entry(program);
        output.WriteLine($"seed {DiffSeed.Value} (set {DiffSeed.Variable} to change it)");
        var gap = KnownCompilerGaps.Reason(program);
        if (gap is not null)
        {
            output.WriteLine($"known compiler gap: {gap}");
            Assert.False(Passes(entry, out var detail), $"{program} now passes: remove it from {nameof(KnownCompilerGaps)}");
            output.WriteLine(detail);
            return;
        }

        var report = DifferentialRun.Run(entry, build.Collection, DiffSeed.Value);
        output.WriteLine(report.Summary);
        Assert.True(report.Cases >= 1000, $"{program} ran only {report.Cases} cases");
        Assert.True(report.MismatchCount == 0, report.ToString());
    }

    /// <summary>The programs that read configuration fields.</summary>
    public static TheoryData<string> ConfiguredPrograms =>
    [
        .. CorpusCatalog.Entries
            .Where(e => e.Owner.GetFields(BindingFlags.Public | BindingFlags.Static).Any(f => CorpusCatalog.PatchedConfiguration.ContainsKey(f.Name)))
            .Select(e => e.Program),
    ];

    [KernelTheory]
    [MemberData(nameof(ConfiguredPrograms))]
    public void PatchedConfigurationAgrees(string program)
    {
        var entry = CorpusCatalog.Entry(program);
        var values = entry.Owner.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => CorpusCatalog.PatchedConfiguration.ContainsKey(f.Name))
            .ToDictionary(f => f.Name, f => CorpusCatalog.PatchedConfiguration[f.Name]);
        output.WriteLine($"seed {DiffSeed.Value}; configuration {string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"))}");
        using var isolated = IsolatedProgram.Load(entry.Owner, values);
        using var collection = build.LoadPatched(values);
        var report = DifferentialRun.Run(entry with { Owner = isolated.Type }, collection, DiffSeed.Value);
        output.WriteLine(report.Summary);
        Assert.True(report.MismatchCount == 0, report.ToString());
    }

    // Whether the program, compiled alone, compiles, loads and agrees on every case; the detail says what failed.
    private static bool Passes(CorpusEntry entry, out string detail)
    {
        var compilation = CorpusBuild.CompileAlone(entry.Program);
        if (!compilation.Success)
        {
            detail = "rejected by the compiler:" + Environment.NewLine + CorpusBuild.DiagnosticsText(compilation);
            return false;
        }
        try
        {
            using var collection = CorpusBuild.Load(compilation);
            var report = DifferentialRun.Run(entry, collection, DiffSeed.Value);
            detail = report.ToString();
            return report.MismatchCount == 0;
        }
        catch (BpfException e)
        {
            detail = "rejected by the kernel: " + e;
            return false;
        }
    }
}
