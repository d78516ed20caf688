namespace Netfence.Bpf.Info;

/// <summary>
/// A program's run statistics: how often it ran and the nanoseconds it spent, counted by the kernel only while run
/// time statistics are enabled (<see cref="RunTimeStatistics.Enable"/> or <c>kernel.bpf_stats_enabled</c>).
/// </summary>
/// <param name="RunCount">Runs since load (<c>run_cnt</c>).</param>
/// <param name="RunTimeNs">Nanoseconds spent in those runs (<c>run_time_ns</c>).</param>
public readonly record struct ProgramRunStats(ulong RunCount, ulong RunTimeNs)
{
    /// <summary>What happened between <paramref name="before"/> and this snapshot.</summary>
    public ProgramRunStats Since(ProgramRunStats before) => new(RunCount - before.RunCount, RunTimeNs - before.RunTimeNs);

    /// <summary>Mean nanoseconds per run; 0 when it never ran.</summary>
    public double NsPerRun => RunCount == 0 ? 0 : (double)RunTimeNs / RunCount;
}
