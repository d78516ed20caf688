using System.Reflection;

namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// Issue 3's list of constructs the kernel cannot run, each with its one NF id. Every row must have an analyzer test
/// that rejects it and one that accepts the alternative (RuleTests, named NFxxxx_rejects_/NFxxxx_accepts_), and an
/// IL-walker test here that compiles the construct without the analyzer and expects the same id (named ..._NFxxxx, or
/// a class of its own for NF0013); a construct added without both fails this test.
/// </summary>
public class RejectedConstructMatrixTests
{
    public static TheoryData<string, string> Constructs => new()
    {
        { "class allocation", "NF0001" },
        { "array", "NF0002" },
        { "string", "NF0003" },
        { "boxing", "NF0004" },
        { "lambda or delegate", "NF0005" },
        { "LINQ", "NF0006" },
        { "virtual or interface call", "NF0007" },
        { "throw", "NF0008" },
        { "try/catch/finally", "NF0009" },
        { "floating point", "NF0011" },
        { "recursion", "NF0012" },
        { "unbounded loop", "NF0013" },
        { "call outside the SDK", "NF0014" },
        { "stack frame over 512 bytes", "NF0016" },
        { "division by a value not provably non-zero", "NF0017" },
        { "signed division that may overflow (MinValue / -1)", "NF0035" },
        { "a map value reference used before BpfMap.IsMissing", "NF0036" },
        { "anything else the kernel cannot run (e.g. a reference chosen at run time)", "NF0031" },
    };

    [Theory]
    [MemberData(nameof(Constructs))]
    public void The_construct_has_an_IL_walker_test_with_its_id(string construct, string id)
    {
        var tests = typeof(RejectedConstructMatrixTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods().Where(m => m.GetCustomAttribute<FactAttribute>() is not null).Select(m => (Type: t, m.Name)));
        bool named = tests.Any(t => t.Name.EndsWith("_" + id, StringComparison.Ordinal));
        bool loopClass = id == "NF0013" && tests.Any(t => t.Type == typeof(LoopBoundTests) && t.Name.Contains("rejected", StringComparison.Ordinal));
        Assert.True(named || loopClass, $"{construct} ({id}) has no IL-walker test");
    }

    [Theory]
    [MemberData(nameof(Constructs))]
    public void The_construct_has_analyzer_tests_with_the_same_id(string construct, string id)
    {
        var entry = Bpf.Diagnostics.DiagnosticCatalogue.All.Single(e => e.Id == id);
        if (entry.Stage == Bpf.Diagnostics.DiagnosticStage.IlWalkerOnly) return; // only the IL walker can see it
        var rules = File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "Netfence.Bpf.Analyzers.Tests", "RuleTests.cs"));
        Assert.True(rules.Contains($"public Task {id}_rejects_", StringComparison.Ordinal), $"{construct} ({id}) has no rejecting analyzer test");
        Assert.True(rules.Contains($"public Task {id}_accepts_", StringComparison.Ordinal), $"{construct} ({id}) has no accepting analyzer test");
        Assert.True(rules.Contains("{|" + id + ":", StringComparison.Ordinal), $"the analyzer tests of {construct} never expect {id}");
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Netfence.sln"))) return dir.FullName;
        throw new InvalidOperationException("Netfence.sln not found above " + AppContext.BaseDirectory);
    }
}
