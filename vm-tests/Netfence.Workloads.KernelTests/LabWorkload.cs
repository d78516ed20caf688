using System.Net;
using Netfence.Sandbox.Lab;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// An attached workload of the suite — a cgroup ("cgroup") or a VM behind a veth ("vm") — with a shell that runs the
/// real tools inside it. Its resolv.conf names its attachment's DNS server, so curl and nc resolve names the way any
/// program in it would (glibc's resolver); this curl build has no c-ares (no --dns-servers), and --resolve would skip
/// DNS, so neither is used. Dispose removes the workload (the attachment ends with its target, or was detached).
/// </summary>
public sealed class LabWorkload : IDisposable
{
    readonly IDisposable _workload;

    internal LabWorkload(string kind, string role, IDisposable workload, WorkloadShell shell, NetfencedProcess.Attachment attachment)
    {
        Kind = kind;
        Role = role;
        _workload = workload;
        Shell = shell;
        AttachmentId = attachment.Id;
        Dns = attachment.Dns;
    }

    /// <summary>"cgroup" or "vm".</summary>
    public string Kind { get; }

    /// <summary>The <c>role</c> metadata the policy matches.</summary>
    public string Role { get; }

    /// <summary>Runs programs inside the workload.</summary>
    public WorkloadShell Shell { get; }

    /// <summary>The attachment's id.</summary>
    public string AttachmentId { get; }

    /// <summary>The attachment's DNS server, the nameserver of the workload's resolv.conf.</summary>
    public IPEndPoint Dns { get; }

    /// <summary>The cgroup, for a cgroup workload.</summary>
    public CgroupWorkload? Cgroup => _workload as CgroupWorkload;

    /// <summary>The namespace and its veth, for a VM.</summary>
    public NamespacedWorkload? Vm => _workload as NamespacedWorkload;

    /// <summary><c>dig NAME A</c> through the workload's resolver, one try.</summary>
    public DigAnswer Dig(string name) => DigAnswer.Parse(Shell.Run("dig", "+time=2", "+tries=1", name, "A"));

    /// <summary>
    /// <c>curl http://HOST/TOKEN</c> over IPv4 (HOST a name, resolved by the workload's resolver, or an address): the
    /// token in the request line is what the far end records.
    /// </summary>
    public CurlResult Curl(string host, string token) =>
        CurlResult.From(Shell.Run("curl", "-4", "-sS", "--connect-timeout", "2", "--max-time", "4", $"http://{host}/{token}"));

    /// <summary>What an attempt to an address the filter blocks looks like from inside: the cgroup's connect() fails at once with EPERM, a TC drop leaves curl waiting.</summary>
    public int BlockedExitCode => Kind == "cgroup" ? CurlResult.CouldNotConnect : CurlResult.TimedOut;

    public override string ToString() => $"{Kind} ({Role}, {Shell.Description})";

    public void Dispose()
    {
        try
        {
            _workload.Dispose();
        }
        finally
        {
            Shell.Dispose();
        }
    }
}
