using System.Reflection;
using Netfence.Bpf.Compiler.DiffTests.Corpus;
using Netfence.Bpf.Compiler.DiffTests.Inputs;
using Netfence.Bpf.Compiler.DiffTests.Running;
using Netfence.Bpf.DiffCorpus;
using Netfence.Bpf.Sdk;
using Xunit.Abstractions;

namespace Netfence.Bpf.Compiler.DiffTests;

/// <summary>The catalog matches the corpus, and the inputs are many, reproducible and reach the edges (no kernel needed).</summary>
// In the corpus collection: the .NET runs here use the same static managed maps as the differential tests.
[Collection(CorpusCollection.Name)]
public sealed class CatalogTests(ITestOutputHelper output)
{
    private static readonly Type[] CorpusTypes = typeof(Layout).Assembly.GetTypes();

    [Fact]
    public void EveryCorpusProgramIsCatalogued()
    {
        var programs = CorpusTypes
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<ProgramAttribute>() is not null)
            .Select(m => m.Name).Order().ToList();
        Assert.True(programs.Count >= 40, $"the corpus has only {programs.Count} programs");
        Assert.Equal(programs, CorpusCatalog.Entries.Select(e => e.Program).Order().ToList());
        foreach (var entry in CorpusCatalog.Entries)
        {
            var method = entry.Owner.GetMethod(entry.Program, BindingFlags.Public | BindingFlags.Static);
            Assert.True(method?.GetCustomAttribute<ProgramAttribute>()?.Hook == Hook.TcIngress, $"{entry.Program} is not a TcIngress program of {entry.Owner.Name}");
        }
    }

    [Fact]
    public void EveryCorpusMapIsSeeded()
    {
        var maps = CorpusTypes
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => typeof(Sdk.BpfMap).IsAssignableFrom(f.FieldType))
            .Select(f => f.Name).Order().ToList();
        Assert.Equal(maps, CorpusCatalog.Maps.Select(m => m.Field).Order().ToList());
    }

    [Fact]
    public void KnownCompilerGapsNameCorpusPrograms()
    {
        output.WriteLine($"{KnownCompilerGaps.Entries.Count} known compiler gaps");
        foreach (var (program, reason) in KnownCompilerGaps.Entries)
        {
            output.WriteLine($"{program}: {reason}");
            Assert.Contains(CorpusCatalog.Entries, e => e.Program == program);
        }
    }

    [Fact]
    public void EveryProgramGetsAtLeastAThousandReproducibleInputs()
    {
        output.WriteLine($"seed {DiffSeed.Value}");
        foreach (var entry in CorpusCatalog.Entries)
        {
            var first = entry.Inputs.Generate(DiffSeed.For(entry.Program, DiffSeed.Value));
            var again = entry.Inputs.Generate(DiffSeed.For(entry.Program, DiffSeed.Value));
            output.WriteLine($"{entry.Program}: {first.Count} inputs");
            Assert.True(first.Count >= OperandInputs.MinimumCases, $"{entry.Program} gets {first.Count} inputs");
            Assert.Equal(first.Count, again.Count);
            Assert.True(first.Zip(again).All(p => p.First.AsSpan().SequenceEqual(p.Second)), $"{entry.Program}'s inputs differ between two generations");
            Assert.All(first, packet => Assert.True(FrameInputs.KernelAccepts(packet), $"{entry.Program} gets {Convert.ToHexString(packet)}, which the kernel refuses"));
        }
    }

    [Fact]
    public void EveryProgramRunsAsDotNetOnEveryInputWithoutThrowing()
    {
        using var scope = BpfRuntime.Use(new DeterministicBpfRuntime { Cpus = 2, ClockStepNs = 1 });
        foreach (var entry in CorpusCatalog.Entries)
        {
            var side = new ManagedSide(entry.Owner, entry.Program);
            var failures = entry.Inputs.Generate(DiffSeed.For(entry.Program, DiffSeed.Value))
                .Select(input => (Input: input, Outcome: side.Run(input)))
                .Where(r => r.Outcome.Error is not null)
                .Select(r => $"{entry.Program} on {Convert.ToHexString(r.Input)}: {r.Outcome.Error}")
                .Take(3).ToList();
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        }
    }

    [Theory]
    [InlineData(1, new ulong[] { 0, 1, 0xFF, 0x80, 0x7F, 0x81, 0xFE, 0x40, 0x3F, 0x41 })]
    [InlineData(2, new ulong[] { 0, 1, 0xFFFF, 0x8000, 0x7FFF, 0x8001, 0x100, 0xFF, 0x101 })]
    [InlineData(4, new ulong[] { 0, 1, 0xFFFF_FFFF, 0x8000_0000, 0x7FFF_FFFF, 0x1_0000 - 1, 0x1_0000 })]
    [InlineData(8, new ulong[] { 0, 1, ulong.MaxValue, 0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x1_0000_0000, 0xFFFF_FFFF, 0x1_0000_0001 })]
    public void EdgeValuesCoverEachWidth(int width, ulong[] required)
    {
        var all = EdgeValues.All(width);
        Assert.All(required, value => Assert.Contains(value, all));
        Assert.All(all, value => Assert.True(value <= EdgeValues.Mask(width)));
    }

    [Fact]
    public void FramesAreCutAtEveryHeaderBoundary()
    {
        var frames = new FrameInputs().Generate(new Random(DiffSeed.Value));
        var lengths = frames.Select(f => f.Length).ToHashSet();
        // Ethernet 14, one and two tags 18 and 22, IPv4 34, UDP over IPv4 42, IPv6 or TCP over IPv4 54, tagged IPv4 38;
        // each also one byte short and one byte long.
        foreach (var boundary in new[] { 14, 18, 22, 34, 38, 42, 54 })
        {
            Assert.Contains(boundary, lengths);
            Assert.Contains(boundary + 1, lengths);
            if (boundary > FrameInputs.MinimumLength)
                Assert.Contains(boundary - 1, lengths);
        }
        Assert.True(frames.Count >= OperandInputs.MinimumCases, $"{frames.Count} frames");
    }
}
