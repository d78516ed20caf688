using Netfence.Bpf.Links;

namespace Netfence.Bench.Datapath;

/// <summary>
/// Moves this whole process (every thread) between cgroup v2 directories. A socket belongs to the cgroup its creator
/// was in, and the datapath's cgroup programs look at the calling task's cgroup ancestry, so after a move every new
/// socket and connect() is decided by the new cgroup's programs.
/// </summary>
internal static class CgroupMembership
{
    /// <summary>The cgroup this process is in now, as a path under the cgroup v2 mount.</summary>
    public static string Current()
    {
        // cgroup v2 has a single line "0::/relative/path".
        var line = File.ReadAllLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("/proc/self/cgroup has no cgroup v2 line (0::)");
        return Path.Combine(CgroupV2.FindMount(), line[3..].TrimStart('/'));
    }

    public static void MoveSelfTo(string cgroupPath) =>
        File.WriteAllText(Path.Combine(cgroupPath, "cgroup.procs"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
