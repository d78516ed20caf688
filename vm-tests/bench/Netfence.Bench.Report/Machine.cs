using System.Globalization;

namespace Netfence.Bench.Report;

/// <summary>
/// The machine a run came from and the run itself: what a reader needs to judge the figures (a shared 2-CPU VM at
/// load 30 gives other absolute numbers than an idle host; ratios travel better).
/// </summary>
internal sealed record Machine(string Kernel, string CpuModel, int Cpus, long MemoryBytes, string LoadAverage, DateTimeOffset Started, string Commit, TimeSpan Elapsed)
{
    /// <summary>
    /// Reads kernel, CPU and memory from /proc; <paramref name="loadAverage"/>, <paramref name="started"/> and
    /// <paramref name="commit"/> come from whoever started the run (build.sh records them before the first benchmark).
    /// </summary>
    public static Machine Read(string loadAverage, DateTimeOffset started, string commit, DateTimeOffset now)
    {
        var kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        var cpuModel = File.ReadLines("/proc/cpuinfo").Select(ValueOf("model name")).FirstOrDefault(v => v is not null)
            ?? throw new InvalidOperationException("/proc/cpuinfo has no 'model name' line");
        var memKb = File.ReadLines("/proc/meminfo").Select(ValueOf("MemTotal")).FirstOrDefault(v => v is not null)
            ?? throw new InvalidOperationException("/proc/meminfo has no 'MemTotal' line");
        long memory = long.Parse(memKb.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) * 1024;
        return new Machine(kernel, cpuModel, Environment.ProcessorCount, memory, loadAverage, started, commit, now - started);
    }

    static Func<string, string?> ValueOf(string key) => line =>
    {
        int colon = line.IndexOf(':');
        return colon > 0 && line[..colon].Trim() == key ? line[(colon + 1)..].Trim() : null;
    };

    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        string memory = (MemoryBytes / 1024.0 / 1024 / 1024).ToString("0.0", inv);
        string elapsed = Elapsed.TotalMinutes >= 1 ? $"{(int)Elapsed.TotalMinutes} min {Elapsed.Seconds} s" : $"{Elapsed.TotalSeconds:0} s";
        return string.Create(inv,
            $"Linux {Kernel}, {CpuModel} × {Cpus} CPUs, {memory} GiB memory, load average {LoadAverage} at the start; " +
            $"{Started:yyyy-MM-dd HH:mm} UTC, git {Commit}; the whole run took {elapsed}");
    }
}
