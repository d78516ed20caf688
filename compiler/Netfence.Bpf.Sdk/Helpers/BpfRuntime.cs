namespace Netfence.Bpf.Sdk;

/// <summary>
/// What the kernel provides to a program and .NET must imitate: clocks, the current task, randomness and the
/// CPU. <see cref="Current"/> is the real machine unless a test installs another runtime with <see cref="Use"/>;
/// the scope is async-local so tests running in parallel do not see each other's runtime.
/// </summary>
[ManagedOnly]
public abstract class BpfRuntime
{
    private static readonly AsyncLocal<BpfRuntime?> s_current = new();

    /// <summary>The runtime helpers use in the current async flow.</summary>
    public static BpfRuntime Current => s_current.Value ?? Machine;

    /// <summary>The real machine: monotonic and boot clocks, this process and thread, this cgroup.</summary>
    public static BpfRuntime Machine { get; } = new MachineBpfRuntime();

    /// <summary>Makes <paramref name="runtime"/> current until the returned scope is disposed.</summary>
    public static IDisposable Use(BpfRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var previous = s_current.Value;
        s_current.Value = runtime;
        return new Scope(previous);
    }

    /// <summary>The number of possible CPUs: per-CPU maps keep one slot per CPU.</summary>
    public abstract int CpuCount { get; }

    /// <summary>See <see cref="Bpf.KtimeGetNs"/>.</summary>
    public abstract ulong KtimeGetNs();

    /// <summary>See <see cref="Bpf.KtimeGetBootNs"/>.</summary>
    public abstract ulong KtimeGetBootNs();

    /// <summary>See <see cref="Bpf.GetCurrentCgroupId"/>.</summary>
    public abstract ulong GetCurrentCgroupId();

    /// <summary>See <see cref="Bpf.GetCurrentAncestorCgroupId"/>: 0 when <paramref name="level"/> is deeper than the task's cgroup.</summary>
    public abstract ulong GetCurrentAncestorCgroupId(int level);

    /// <summary>See <see cref="Bpf.GetCurrentPidTgid"/>.</summary>
    public abstract ulong GetCurrentPidTgid();

    /// <summary>See <see cref="Bpf.GetPrandomU32"/>.</summary>
    public abstract uint GetPrandomU32();

    /// <summary>See <see cref="Bpf.GetSmpProcessorId"/>; always below <see cref="CpuCount"/>.</summary>
    public abstract uint GetSmpProcessorId();

    private sealed class Scope(BpfRuntime? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            s_current.Value = previous;
        }
    }
}
