using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Memlock;

/// <summary>What <see cref="MemlockLimit.EnsureSufficient"/> found and did.</summary>
public enum MemlockOutcome
{
    /// <summary>The kernel charges bpf memory to the memory cgroup (5.11+); the limit was left alone.</summary>
    KernelUsesMemcg,
    /// <summary>RLIMIT_MEMLOCK was already unlimited.</summary>
    AlreadyUnlimited,
    /// <summary>The kernel still charges bpf memory to RLIMIT_MEMLOCK, so it was raised to unlimited.</summary>
    Raised,
}

/// <summary>
/// Makes sure RLIMIT_MEMLOCK cannot make map and program creation fail. Kernels before 5.11
/// charge bpf memory to the locked-memory limit (a few MiB for a normal user or container, so
/// maps fail with EPERM); newer kernels charge the memory cgroup and ignore the limit. Raising the
/// limit where it no longer matters would be a needless change to the process, so the kernel is
/// asked first: with the soft limit briefly at zero, a one-entry array map is created. If that
/// works, memory is charged to the memcg; if it fails with EPERM, the limit is what counts.
/// </summary>
public static class MemlockLimit
{
    const int RlimitMemlock = 8;
    const ulong Infinity = ulong.MaxValue;

    static readonly object Gate = new();
    static MemlockOutcome? _outcome;

    /// <summary>
    /// Decides once per process and caches the answer; later calls cost a field read. Call
    /// before creating the first map or program (the loader does so itself).
    /// </summary>
    /// <exception cref="BpfException">The limit had to be raised and could not be (not root), or the probe failed.</exception>
    public static MemlockOutcome EnsureSufficient()
    {
        if (_outcome is { } known) return known;
        lock (Gate)
        {
            if (_outcome is { } raced) return raced;
            _outcome = Decide();
            return _outcome.Value;
        }
    }

    static unsafe MemlockOutcome Decide()
    {
        Libc.RLimit original;
        if (Libc.GetRlimit(RlimitMemlock, &original) != 0)
            throw new BpfException("getrlimit(RLIMIT_MEMLOCK)", Libc.LastErrno);
        if (original.Current == Infinity) return MemlockOutcome.AlreadyUnlimited;

        var zero = new Libc.RLimit { Current = 0, Max = original.Max };
        if (Libc.SetRlimit(RlimitMemlock, &zero) != 0)
            throw new BpfException("setrlimit(RLIMIT_MEMLOCK)", Libc.LastErrno, "could not lower the soft limit to probe how the kernel accounts bpf memory");
        Errno errno;
        try
        {
            var attr = new MapCreateAttr { MapType = 2, KeySize = 4, ValueSize = 4, MaxEntries = 1 };
            var fd = BpfSyscall.Try(BpfCommand.MapCreate, ref attr, out errno);
            if (fd >= 0) Libc.Close((int)fd);
        }
        finally
        {
            Libc.SetRlimit(RlimitMemlock, &original);
        }

        if (errno == Errno.None) return MemlockOutcome.KernelUsesMemcg;
        if (errno != Errno.EPERM)
            throw new BpfException(BpfCommand.MapCreate.Name(), errno, BpfException.HintFor(BpfCommand.MapCreate, errno), "probing whether the kernel accounts bpf memory by RLIMIT_MEMLOCK");

        var unlimited = new Libc.RLimit { Current = Infinity, Max = Infinity };
        if (Libc.SetRlimit(RlimitMemlock, &unlimited) != 0)
        {
            var e = Libc.LastErrno;
            throw new BpfException("setrlimit(RLIMIT_MEMLOCK, unlimited)", e,
                $"this kernel charges bpf maps and programs to RLIMIT_MEMLOCK (current soft limit {original.Current} bytes) and raising it needs root or CAP_SYS_RESOURCE");
        }
        return MemlockOutcome.Raised;
    }
}
