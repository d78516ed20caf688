using System.Runtime.InteropServices;

namespace Netfence.Datapath;

/// <summary>
/// Converts wall-clock expiries to the datapath's clock, CLOCK_BOOTTIME in nanoseconds (what bpf_ktime_get_boot_ns
/// reads; it keeps counting through suspend, so an expiry does not stretch).
/// </summary>
public static partial class BootClock
{
    private const int ClockBoottime = 7;

    /// <summary>CLOCK_BOOTTIME now, in nanoseconds.</summary>
    public static ulong NowNs()
    {
        if (ClockGetTime(ClockBoottime, out var ts) != 0)
            throw new IOException($"clock_gettime(CLOCK_BOOTTIME) failed with errno {Marshal.GetLastPInvokeError()}");
        return (ulong)ts.Seconds * 1_000_000_000UL + (ulong)ts.Nanoseconds;
    }

    /// <summary>
    /// The boot-clock time of <paramref name="expiresAt"/>, or 0 (permanent) for null. A time already past maps to
    /// 1 ns, which the datapath treats as expired, so "expired" never turns into "permanent".
    /// </summary>
    public static ulong ToBootNs(DateTimeOffset? expiresAt, DateTimeOffset now, ulong bootNowNs)
    {
        if (expiresAt is not { } at)
            return 0;
        var remaining = at - now;
        if (remaining <= TimeSpan.Zero)
            return 1;
        return bootNowNs + (ulong)remaining.Ticks * 100;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);
}
