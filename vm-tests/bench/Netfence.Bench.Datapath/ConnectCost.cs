using Netfence.Bpf.Info;
using Netfence.Bpf.Programs;

namespace Netfence.Bench.Datapath;

/// <summary>What one program cost per warm allowed connect, from the kernel's run statistics.</summary>
/// <param name="RunsPerConnect">Runs of the program per connect (connect4 once; cgroup_skb egress per packet sent).</param>
/// <param name="NsPerRun">Mean run time, as the kernel measures it around the program (run_time_ns / run_cnt).</param>
internal sealed record ProgramCost(double RunsPerConnect, double NsPerRun)
{
    public double NsPerConnect => RunsPerConnect * NsPerRun;

    public static ProgramCost Of(ProgramRunStats stats, int connects) => new((double)stats.RunCount / connects, stats.NsPerRun);
}

/// <summary>One hook's cost in the floor cgroup, under the C# object and under clang's.</summary>
internal sealed record ConnectCostRow(string Program, ProgramCost Floor, ProgramCost CSharp, ProgramCost Reference);

/// <summary>One cgroup of the comparison: its connect4 and cgroup_skb egress programs, moving into it, and one connect from it.</summary>
internal sealed record CostVariant(BpfProgram Connect4, BpfProgram Egress, Action Enter, Action Connect);

/// <summary>
/// Where a warm allowed connect's time goes: with BPF_ENABLE_STATS on (only for this phase, so the latency rounds
/// are not slowed by its clock reads), loopback connects from the floor, C# and clang cgroups in rounds of rotating
/// order (as the latency rounds, so a cache or a neighbour's load favours none of them), and each program's run count
/// and run time summed over the rounds. The runs include the client's packets outside the timed connect() call too
/// (the RST that closes each socket), which is why cgroup_skb egress runs three times per connect.
/// </summary>
internal static class ConnectCost
{
    public const string Connect4 = "connect4", Egress = "cgroup_skb egress", Total = "total";

    /// <summary><paramref name="rounds"/> × <paramref name="perRound"/> connects per cgroup; one row per hook plus the total.</summary>
    public static List<ConnectCostRow> Measure(int rounds, int perRound, CostVariant floor, CostVariant csharp, CostVariant reference)
    {
        CostVariant[] variants = [floor, csharp, reference];
        var connect4 = new ProgramRunStats[variants.Length];
        var egress = new ProgramRunStats[variants.Length];
        using (RunTimeStatistics.Enable())
        {
            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < variants.Length; k++)
                {
                    int i = (round + k) % variants.Length;
                    var v = variants[i];
                    v.Enter();
                    var before = (ObjectInfo.RunStats(v.Connect4.Fd), ObjectInfo.RunStats(v.Egress.Fd));
                    for (int n = 0; n < perRound; n++) v.Connect();
                    connect4[i] = Add(connect4[i], ObjectInfo.RunStats(v.Connect4.Fd).Since(before.Item1));
                    egress[i] = Add(egress[i], ObjectInfo.RunStats(v.Egress.Fd).Since(before.Item2));
                }
            }
        }
        int connects = rounds * perRound;
        ConnectCostRow Row(string name, Func<int, ProgramRunStats> stats) =>
            new(name, ProgramCost.Of(stats(0), connects), ProgramCost.Of(stats(1), connects), ProgramCost.Of(stats(2), connects));
        return
        [
            Row(Connect4, i => connect4[i]),
            Row(Egress, i => egress[i]),
            Row(Total, i => Add(connect4[i], egress[i])),
        ];
    }

    private static ProgramRunStats Add(ProgramRunStats a, ProgramRunStats b) => new(a.RunCount + b.RunCount, a.RunTimeNs + b.RunTimeNs);
}
