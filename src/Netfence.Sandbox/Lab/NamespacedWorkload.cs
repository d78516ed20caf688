using System.Runtime.Versioning;
using System.Net;
using Netfence.Sandbox.Probing;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// A workload behind a veth pair in its own network namespace, as a VM behind its tap: the host end carries its
/// traffic (a filter on the host end's ingress sees what the workload sends), and the host routes it on to the local
/// internet. Its resolv.conf names <see cref="HostAddress"/>, where its attachment's DNS server is expected to
/// listen. A probe agent runs inside. Everything is removed on dispose, also when set-up fails half-way.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class NamespacedWorkload : IDisposable
{
    readonly SandboxNamespace _namespace;
    readonly string _etcDirectory;
    ProbeAgentProcess? _agent;

    NamespacedWorkload(SandboxNamespace ns, IPAddress host, IPAddress workload)
    {
        _namespace = ns;
        HostAddress = host;
        WorkloadAddress = workload;
        HostDevice = ns.Name + "h";
        _etcDirectory = Path.Combine("/etc/netns", ns.Name);
    }

    /// <summary>The workload's namespace.</summary>
    public SandboxNamespace Namespace => _namespace;

    /// <summary>The host end of the veth (the "tap").</summary>
    public string HostDevice { get; }

    /// <summary>The host end's address: the workload's gateway and DNS server.</summary>
    public IPAddress HostAddress { get; }

    /// <summary>The workload's own address.</summary>
    public IPAddress WorkloadAddress { get; }

    /// <summary>The agent that makes this workload's connection attempts.</summary>
    public ProbeAgentProcess Agent => _agent!;

    /// <summary>Runs a program to completion inside the workload's namespace.</summary>
    public Command.Result Run(string file, params string[] args) => _namespace.Exec(file, args);

    /// <summary>Builds the namespace and its link in <paramref name="network"/>, and starts <paramref name="agentCommand"/> inside.</summary>
    public static NamespacedWorkload Start(LabNetwork network, IReadOnlyList<string> agentCommand)
    {
        var (host, workload) = network.NextWorkloadLink();
        var ns = new SandboxNamespace();
        var w = new NamespacedWorkload(ns, host, workload);
        try
        {
            // The host routes for the workload as for a VM.
            HostDevices.CreateRoutedVeth(w.HostDevice, host, ns, ns.Name + "w", workload);
            // `ip netns exec` bind-mounts this over /etc/resolv.conf for what runs inside.
            Directory.CreateDirectory(w._etcDirectory);
            File.WriteAllText(Path.Combine(w._etcDirectory, "resolv.conf"), $"nameserver {host}\n");
            w._agent = new ProbeAgentProcess(["ip", "netns", "exec", ns.Name, .. agentCommand], $"namespace {ns.Name}");
            return w;
        }
        catch
        {
            w.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            _agent?.Dispose();
        }
        finally
        {
            _namespace.Dispose();
            HostDevices.DeleteIfPresent(HostDevice);
            if (Directory.Exists(_etcDirectory)) Directory.Delete(_etcDirectory, recursive: true);
        }
    }
}
