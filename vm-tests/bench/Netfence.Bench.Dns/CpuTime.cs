using System.Globalization;

namespace Netfence.Bench.Dns;

/// <summary>CPU time (user + system) a process has used, from /proc/PID/stat.</summary>
internal static class CpuTime
{
    // USER_HZ is 100 on every Linux architecture .NET runs on.
    const double TicksPerSecond = 100;

    public static TimeSpan Of(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold spaces) start after the last ')'; utime and stime are 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>
    /// Busy and total CPU time of the whole machine (every core) from /proc/stat's first line: busy is everything but
    /// idle and iowait, so it includes dnsperf, dnsmasq, this process and the softirq work of the loopback deliveries.
    /// </summary>
    public static (TimeSpan Busy, TimeSpan Total) Machine()
    {
        using var reader = new StreamReader("/proc/stat");
        var fields = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields[0] != "cpu") throw new InvalidDataException($"/proc/stat starts with '{fields[0]}', not the 'cpu' summary line");
        // user nice system idle iowait irq softirq steal (guest and guest_nice are already counted in user and nice).
        var ticks = fields[1..9].Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        long total = ticks.Sum(), idle = ticks[3] + ticks[4];
        return (TimeSpan.FromSeconds((total - idle) / TicksPerSecond), TimeSpan.FromSeconds(total / TicksPerSecond));
    }

    /// <summary>
    /// Voluntary context switches (a thread blocking: sleeping until woken) of every thread of process <paramref name="pid"/>.
    /// </summary>
    public static long Sleeps(int pid)
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(Path.Combine(task, "status"));
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }
            foreach (var line in lines)
            {
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                    total += long.Parse(line.AsSpan("voluntary_ctxt_switches:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }
        return total;
    }
}
