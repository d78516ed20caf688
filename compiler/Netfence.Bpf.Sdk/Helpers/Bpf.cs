using static Netfence.Bpf.Sdk.KernelNumbers;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// Kernel helpers without a map argument. In the kernel each is one helper call; in .NET each asks
/// <see cref="BpfRuntime.Current"/>, which tests replace with a deterministic runtime.
/// </summary>
public static class Bpf
{
    /// <summary>bpf_ktime_get_ns: CLOCK_MONOTONIC in nanoseconds (stops while suspended).</summary>
    [Helper(HelperKtimeGetNs)]
    public static ulong KtimeGetNs() => BpfRuntime.Current.KtimeGetNs();

    /// <summary>bpf_ktime_get_boot_ns: CLOCK_BOOTTIME in nanoseconds (counts suspend).</summary>
    [Helper(HelperKtimeGetBootNs)]
    public static ulong KtimeGetBootNs() => BpfRuntime.Current.KtimeGetBootNs();

    /// <summary>bpf_get_current_cgroup_id: the cgroup v2 id (inode) of the current task (cgroup sock_addr programs).</summary>
    // 6.1 offers the current task's helpers to the cgroup hooks that run in the task's context (cgroup_current_func_proto),
    // not to TC or cgroup_skb programs, which may run in softirq for another task's packet.
    [Helper(HelperGetCurrentCgroupId, ProgramTypes = [ProgTypeCgroupSockAddr])]
    public static ulong GetCurrentCgroupId() => BpfRuntime.Current.GetCurrentCgroupId();

    /// <summary>
    /// bpf_get_current_ancestor_cgroup_id: the cgroup v2 id of the current task's ancestor at
    /// <paramref name="level"/> (0 is the root), or 0 when the task's cgroup is shallower than that.
    /// </summary>
    [Helper(HelperGetCurrentAncestorCgroupId, ProgramTypes = [ProgTypeCgroupSockAddr])]
    public static ulong GetCurrentAncestorCgroupId(int level) => BpfRuntime.Current.GetCurrentAncestorCgroupId(level);

    /// <summary>
    /// bpf_skb_ancestor_cgroup_id: the id of the ancestor at <paramref name="level"/> of the cgroup of the packet's
    /// socket, or 0 when there is none. In .NET the packet's socket belongs to the current task.
    /// </summary>
    [Helper(HelperSkbAncestorCgroupId, ProgramTypes = [ProgTypeSchedCls, ProgTypeCgroupSkb])]
    public static ulong SkbAncestorCgroupId(SkBuff ctx, int level) => BpfRuntime.Current.GetCurrentAncestorCgroupId(level);

    /// <summary>
    /// bpf_get_current_pid_tgid: tgid (process id) in the high 32 bits, thread id in the low 32 (cgroup sock_addr
    /// programs: a TC program runs for whichever task the CPU happens to be in).
    /// </summary>
    [Helper(HelperGetCurrentPidTgid, ProgramTypes = [ProgTypeCgroupSockAddr])]
    public static ulong GetCurrentPidTgid() => BpfRuntime.Current.GetCurrentPidTgid();

    /// <summary>bpf_get_prandom_u32: a pseudo-random 32-bit number.</summary>
    [Helper(HelperGetPrandomU32)]
    public static uint GetPrandomU32() => BpfRuntime.Current.GetPrandomU32();

    /// <summary>bpf_get_smp_processor_id: the CPU the program runs on.</summary>
    [Helper(HelperGetSmpProcessorId)]
    public static uint GetSmpProcessorId() => BpfRuntime.Current.GetSmpProcessorId();
}
