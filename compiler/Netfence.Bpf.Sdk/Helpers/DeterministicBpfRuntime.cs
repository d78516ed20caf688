namespace Netfence.Bpf.Sdk;

/// <summary>
/// A runtime whose answers a test chooses: clocks that advance by a fixed step per read, a fixed task and CPU,
/// and a seeded generator, so a program's .NET run is repeatable and comparable with a kernel run.
/// </summary>
[ManagedOnly]
public sealed class DeterministicBpfRuntime : BpfRuntime
{
    private Random _random;
    private int _seed;

    /// <summary>A runtime with the clock at zero, one CPU, and seed 0.</summary>
    public DeterministicBpfRuntime() => _random = new Random(0);

    /// <summary>The next value <see cref="KtimeGetNs"/> returns.</summary>
    public ulong MonotonicNs { get; set; }

    /// <summary>The next value <see cref="KtimeGetBootNs"/> returns.</summary>
    public ulong BootNs { get; set; }

    /// <summary>How far each clock advances after a read (0 freezes time).</summary>
    public ulong ClockStepNs { get; set; }

    /// <summary>The cgroup id <see cref="GetCurrentCgroupId"/> returns.</summary>
    public ulong CgroupId { get; set; }

    /// <summary>
    /// The cgroup ids from the root (level 0) down to the task's own cgroup, answered by
    /// <see cref="GetCurrentAncestorCgroupId"/>; empty means no cgroup hierarchy.
    /// </summary>
    public IReadOnlyList<ulong> CgroupAncestors { get; set; } = [];

    /// <summary>The process id (tgid, the high half of pid_tgid).</summary>
    public uint ProcessId { get; set; }

    /// <summary>The thread id (the low half of pid_tgid).</summary>
    public uint ThreadId { get; set; }

    /// <summary>The CPU the program "runs" on; must stay below <see cref="CpuCount"/>.</summary>
    public uint Cpu { get; set; }

    /// <summary>The number of CPUs per-CPU maps have slots for.</summary>
    public int Cpus { get; set; } = 1;

    /// <summary>Seed of <see cref="GetPrandomU32"/>; setting it restarts the sequence.</summary>
    public int Seed
    {
        get => _seed;
        set
        {
            _seed = value;
            _random = new Random(value);
        }
    }

    /// <inheritdoc />
    public override int CpuCount => Cpus;

    /// <inheritdoc />
    public override ulong KtimeGetNs()
    {
        var now = MonotonicNs;
        MonotonicNs += ClockStepNs;
        return now;
    }

    /// <inheritdoc />
    public override ulong KtimeGetBootNs()
    {
        var now = BootNs;
        BootNs += ClockStepNs;
        return now;
    }

    /// <inheritdoc />
    public override ulong GetCurrentCgroupId() => CgroupId;

    /// <inheritdoc />
    public override ulong GetCurrentAncestorCgroupId(int level) =>
        level >= 0 && level < CgroupAncestors.Count ? CgroupAncestors[level] : 0;

    /// <inheritdoc />
    public override ulong GetCurrentPidTgid() => ((ulong)ProcessId << 32) | ThreadId;

    /// <inheritdoc />
    public override uint GetPrandomU32() => (uint)_random.NextInt64(0, 1L << 32);

    /// <inheritdoc />
    public override uint GetSmpProcessorId()
    {
        if (Cpu >= (uint)Cpus)
            throw new InvalidOperationException($"Cpu {Cpu} is not below Cpus {Cpus}");
        return Cpu;
    }
}
