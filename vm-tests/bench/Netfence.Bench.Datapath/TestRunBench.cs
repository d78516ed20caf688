using Netfence.Bpf.Programs;
using Netfence.Bpf.TestRun;
using Netfence.Datapath;
using Netfence.Datapath.KernelTests;
using Netfence.Programs.Layout;

namespace Netfence.Bench.Datapath;

/// <summary>A frame the TC program is timed on and the verdict both objects must give.</summary>
internal sealed record TcCase(string Name, byte[] Frame, int ExpectedVerdict);

/// <summary>Median ns per packet of both TC programs on one case at one rule count.</summary>
internal sealed record TestRunRow(int Rules, int TestedRules, string Case, string Verdict, Summary CSharp, Summary Reference,
    IReadOnlyList<double> CSharpRounds, IReadOnlyList<double> ReferenceRounds)
{
    public double Ratio => Ratios.Of(CSharp.Median, Reference.Median);
}

/// <summary>
/// BPF_PROG_TEST_RUN of the two TC programs on the same frames against the same maps. Each round runs both on
/// every case with a high repeat count (the kernel reports the average ns per run), alternating which goes first;
/// the reported figure is the median over rounds. Both must return the expected verdict before anything is timed.
/// </summary>
internal sealed class TestRunBench(DatapathPrograms csharp, DatapathPrograms reference, int ifindex)
{
    public const int TcxNext = -1;
    public const int TcDrop = 2;

    public int Rounds { get; init; } = 41;
    public uint Repeat { get; init; } = 100_000;

    private readonly byte[] _context = Frames.Context(ifindex);

    public static IReadOnlyList<TcCase> Cases(RuleFill fill) =>
    [
        new("allowed hit", Frames.Ethernet(0x0800, Frames.Ipv4(fill.Allowed.ToString(), 6, 443)), TcxNext),
        new("miss", Frames.Ethernet(0x0800, Frames.Ipv4(fill.Missed.ToString(), 6, 443)), TcDrop),
        // LLDP: neither IP nor the ARP/neighbour-discovery exemption; allowlist mode drops it.
        new("non-IP", Frames.Ethernet(0x88CC, new byte[46]), TcDrop),
    ];

    public List<TestRunRow> Run(int rules, int testedRules, IReadOnlyList<TcCase> cases, CancellationToken cancel)
    {
        var cs = csharp[ProgramNames.TcIngress];
        var clang = reference[ProgramNames.TcIngress];
        foreach (var c in cases)
        {
            int a = ProgramTestRun.Run(cs, c.Frame, _context).SignedReturnValue;
            int b = ProgramTestRun.Run(clang, c.Frame, _context).SignedReturnValue;
            if (a != c.ExpectedVerdict || b != c.ExpectedVerdict)
                throw new InvalidOperationException(
                    $"{rules} rules, {c.Name}: expected verdict {VerdictName(c.ExpectedVerdict)}, the C# program returned {VerdictName(a)} " +
                    $"and the reference {VerdictName(b)}; timing a wrong program means nothing");
        }

        var csRounds = cases.Select(_ => new List<double>()).ToArray();
        var clangRounds = cases.Select(_ => new List<double>()).ToArray();
        // One untimed pass warms caches, the JIT images and the trie path.
        foreach (var c in cases)
        {
            Time(cs, c);
            Time(clang, c);
        }
        for (int round = 0; round < Rounds; round++)
        {
            cancel.ThrowIfCancellationRequested();
            for (int i = 0; i < cases.Count; i++)
            {
                bool csFirst = (round + i) % 2 == 0;
                if (csFirst) csRounds[i].Add(Time(cs, cases[i]));
                clangRounds[i].Add(Time(clang, cases[i]));
                if (!csFirst) csRounds[i].Add(Time(cs, cases[i]));
            }
        }
        return cases.Select((c, i) => new TestRunRow(rules, testedRules, c.Name, VerdictName(c.ExpectedVerdict),
            Summary.Of(csRounds[i]), Summary.Of(clangRounds[i]), csRounds[i], clangRounds[i])).ToList();
    }

    private double Time(BpfProgram program, TcCase c)
    {
        var result = ProgramTestRun.Run(program, c.Frame, _context, Repeat);
        if (result.SignedReturnValue != c.ExpectedVerdict)
            throw new InvalidOperationException($"{program} changed its verdict on {c.Name} during timing: {VerdictName(result.SignedReturnValue)}");
        return result.AverageNanoseconds;
    }

    public static string VerdictName(int verdict) => verdict switch
    {
        TcxNext => "next (allow)",
        TcDrop => "drop",
        _ => $"{verdict}",
    };
}
