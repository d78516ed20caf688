using Netfence.Bpf.Links;

namespace Netfence.Sandbox;

/// <summary>
/// A fresh cgroup under the cgroup v2 mount (found from /proc/mounts). Dispose kills every
/// process still in it and removes it.
/// </summary>
public sealed class SandboxCgroup : IDisposable
{
    public SandboxCgroup()
    {
        Path = System.IO.Path.Combine(CgroupV2.FindMount(), UniqueName.Next());
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Runs a command as a process that first moves itself into this cgroup.</summary>
    public Command.Result Run(string file, params string[] args)
        => Command.Try("sh", ["-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", Path, file, .. args]);

    /// <summary>The pids in the cgroup.</summary>
    public IReadOnlyList<int> Processes()
        => File.ReadAllLines(System.IO.Path.Combine(Path, "cgroup.procs")).Where(l => l.Length > 0).Select(int.Parse).ToList();

    public void Dispose()
    {
        if (!Directory.Exists(Path)) return;
        if (Processes().Count > 0)
        {
            // cgroup.kill (5.14+) kills the whole cgroup at once, without racing forks.
            File.WriteAllText(System.IO.Path.Combine(Path, "cgroup.kill"), "1");
            Poll.Require(() => Processes().Count == 0, TimeSpan.FromSeconds(10), $"the processes of {Path} to exit");
        }
        Directory.Delete(Path);
    }
}
