using System.Net;
using System.Runtime.Versioning;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// Runs real programs (curl, dig, nc) inside a workload as processes of its own, with the workload's resolver: glibc's
/// resolver, and so every such program, asks the nameserver of the workload's resolv.conf. For a namespaced workload
/// that is <c>ip netns exec</c>, which binds <c>/etc/netns/NAME/resolv.conf</c> over <c>/etc/resolv.conf</c>; for a
/// cgroup, each program gets a private mount namespace (<c>unshare --mount</c>) with a resolv.conf naming the given
/// nameserver bound over the host's, then enters the cgroup before it execs. Dispose removes that resolv.conf.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class WorkloadShell : IDisposable
{
    readonly IReadOnlyList<string> _prefix;
    readonly string? _scratch;

    WorkloadShell(string description, IReadOnlyList<string> prefix, string? scratch)
    {
        Description = description;
        _prefix = prefix;
        _scratch = scratch;
    }

    /// <summary>Where the programs run, for messages.</summary>
    public string Description { get; }

    /// <summary>
    /// Programs in the cgroup <paramref name="cgroupPath"/> whose resolver is <paramref name="nameserver"/> (port 53,
    /// the only port a resolv.conf can name). One attempt of at most 2 s per query, so a refused or unanswered name fails quickly.
    /// </summary>
    public static WorkloadShell InCgroup(string cgroupPath, IPAddress nameserver)
    {
        if (!Directory.Exists(cgroupPath)) throw new DirectoryNotFoundException($"the cgroup {cgroupPath} does not exist");
        var scratch = Directory.CreateTempSubdirectory(UniqueName.Prefix + "-resolv-").FullName;
        var resolvConf = Path.Combine(scratch, "resolv.conf");
        File.WriteAllText(resolvConf, $"nameserver {nameserver}\noptions attempts:1 timeout:2\n");
        // $0 is the cgroup, $1 the resolv.conf; after the shift "$@" is the program. The bind mount lives and dies with
        // the private mount namespace, so nothing outside sees it or has to undo it.
        return new WorkloadShell($"cgroup {cgroupPath}",
            ["unshare", "--mount", "--propagation", "private", "sh", "-c",
             "mount --bind \"$1\" /etc/resolv.conf && echo $$ > \"$0/cgroup.procs\" && shift && exec \"$@\"", cgroupPath, resolvConf],
            scratch);
    }

    /// <summary>Programs inside <paramref name="workload"/>'s network namespace, with the resolv.conf it was given.</summary>
    public static WorkloadShell InNamespace(NamespacedWorkload workload) =>
        new($"namespace {workload.Namespace.Name}", ["ip", "netns", "exec", workload.Namespace.Name], null);

    /// <summary>Programs inside the network namespace <paramref name="ns"/> (its resolv.conf is whatever /etc/netns gives it).</summary>
    public static WorkloadShell InNamespace(SandboxNamespace ns) =>
        new($"namespace {ns.Name}", ["ip", "netns", "exec", ns.Name], null);

    /// <summary>Runs <paramref name="file"/> to completion inside the workload; its exit code and output, unjudged.</summary>
    public Command.Result Run(string file, params string[] args) => Command.Try(_prefix[0], [.. _prefix.Skip(1), file, .. args]);

    /// <summary>Starts <paramref name="file"/> inside the workload and leaves it running (its stdin open).</summary>
    public BackgroundProcess Start(string file, params string[] args) => new([.. _prefix, file, .. args]);

    /// <inheritdoc/>
    public override string ToString() => Description;

    public void Dispose()
    {
        if (_scratch is not null && Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }
}
