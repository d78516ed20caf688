using System.Runtime.InteropServices;
using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Info;

/// <summary>
/// BPF_ENABLE_STATS: turns on the kernel's per-program run counters (run_cnt, run_time_ns) for as long as the
/// returned fd is open. Unlike writing <c>kernel.bpf_stats_enabled</c>, a crashed process cannot leave them on
/// (they cost two clock reads per program run), and several users count independently.
/// </summary>
public static class RunTimeStatistics
{
    /// <summary>BPF_STATS_RUN_TIME, the only statistics type the kernel has.</summary>
    private const uint RunTime = 0;

    /// <summary>Enables run time statistics until the returned fd is disposed (Linux 5.8+).</summary>
    public static BpfFd Enable()
    {
        var attr = new EnableStatsAttr { Type = RunTime };
        return BpfSyscall.CallForFd(BpfCommand.EnableStats, ref attr, "enabling run time statistics (BPF_STATS_RUN_TIME)");
    }

    [StructLayout(LayoutKind.Explicit, Size = 4)]
    private struct EnableStatsAttr
    {
        [FieldOffset(0)] public uint Type;
    }
}
