using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

// The real machine's answers, from the same sources the kernel helpers use.
internal sealed partial class MachineBpfRuntime : BpfRuntime
{
    private const int ClockMonotonic = 1;
    private const int ClockBoottime = 7;

    public override int CpuCount => Environment.ProcessorCount;

    public override ulong KtimeGetNs() => ClockNs(ClockMonotonic);

    public override ulong KtimeGetBootNs() => ClockNs(ClockBoottime);

    public override ulong GetCurrentCgroupId() => Inode(CgroupMount.Value + CgroupPath());

    public override ulong GetCurrentAncestorCgroupId(int level)
    {
        // Level 0 is the root; each further level adds one component of the task's cgroup path.
        var components = CgroupPath().Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (level < 0 || level > components.Length)
            return 0;
        return Inode(CgroupMount.Value + "/" + string.Join('/', components.Take(level)));
    }

    // Where cgroup v2 is mounted: hosts use /sys/fs/cgroup, /sys/fs/cgroup/unified (beside v1) or elsewhere.
    // The SDK depends on nothing, so it reads /proc/mounts itself (mount points with spaces are not supported).
    private static readonly Lazy<string> CgroupMount = new(() =>
    {
        foreach (var line in File.ReadLines("/proc/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length >= 3 && fields[2] == "cgroup2")
                return fields[1].TrimEnd('/');
        }

        throw new IOException("no cgroup v2 filesystem is mounted (none in /proc/mounts)");
    });

    // The task's cgroup v2 path: the "0::" line of /proc/self/cgroup.
    private static string CgroupPath()
    {
        foreach (var line in File.ReadLines("/proc/self/cgroup"))
        {
            if (line.StartsWith("0::", StringComparison.Ordinal))
                return line[3..].TrimEnd();
        }

        throw new IOException("/proc/self/cgroup has no cgroup v2 entry");
    }

    // The helpers answer the inode of the cgroup v2 directory.
    private static ulong Inode(string path)
    {
        var stat = new byte[256];
        if (Stat(path, stat) != 0)
            throw new IOException($"stat {path} failed with errno {Marshal.GetLastPInvokeError()}");
        // st_ino follows the 8-byte st_dev on x86-64 and the generic (arm64) struct stat layout.
        return BitConverter.ToUInt64(stat, 8);
    }

    public override ulong GetCurrentPidTgid() => ((ulong)(uint)Environment.ProcessId << 32) | (uint)GetTid();

    public override uint GetPrandomU32() => (uint)Random.Shared.NextInt64(0, 1L << 32);

    public override uint GetSmpProcessorId() => (uint)Thread.GetCurrentProcessorId() % (uint)CpuCount;

    private static ulong ClockNs(int clock)
    {
        if (ClockGetTime(clock, out var ts) != 0)
            throw new IOException($"clock_gettime({clock}) failed with errno {Marshal.GetLastPInvokeError()}");
        return (ulong)ts.Seconds * 1_000_000_000UL + (ulong)ts.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}
