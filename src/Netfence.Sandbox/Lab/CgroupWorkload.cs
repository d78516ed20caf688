using System.Runtime.Versioning;
using Netfence.Sandbox.Probing;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// A workload that is a cgroup on the host (a container, a systemd service): a probe agent runs inside it, having
/// moved itself into the cgroup before it opened any socket. Dispose ends the agent and removes the cgroup.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CgroupWorkload : IDisposable
{
    readonly SandboxCgroup _cgroup;
    bool _disposed;

    CgroupWorkload(SandboxCgroup cgroup, ProbeAgentProcess agent)
    {
        _cgroup = cgroup;
        Agent = agent;
    }

    /// <summary>The cgroup's full path.</summary>
    public string CgroupPath => _cgroup.Path;

    /// <summary>The agent that makes this workload's connection attempts.</summary>
    public ProbeAgentProcess Agent { get; }

    /// <summary>Runs a program to completion as another process of this workload (it enters the cgroup before it starts).</summary>
    public Command.Result Run(string file, params string[] args) => _cgroup.Run(file, args);

    /// <summary>Creates the cgroup and starts <paramref name="agentCommand"/> (a <see cref="ProbeAgent"/>) inside it.</summary>
    public static CgroupWorkload Start(IReadOnlyList<string> agentCommand)
    {
        var cgroup = new SandboxCgroup();
        try
        {
            var agent = new ProbeAgentProcess(["sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", cgroup.Path, .. agentCommand], $"cgroup {cgroup.Path}");
            try
            {
                Poll.Require(() => cgroup.Processes().Contains(agent.ProcessId), TimeSpan.FromSeconds(10), $"the probe agent to enter {cgroup.Path}");
            }
            catch
            {
                agent.Dispose();
                throw;
            }
            return new CgroupWorkload(cgroup, agent);
        }
        catch
        {
            cgroup.Dispose();
            throw;
        }
    }

    /// <summary>Ends the agent and removes the cgroup; again is a no-op (a test that removed the target disposes it once more).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            Agent.Dispose();
        }
        finally
        {
            _cgroup.Dispose();
        }
    }
}
