using System.Collections.Concurrent;
using Netfence.ControlPlane.Policies;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.ControlPlane.Tests.Infrastructure;

/// <summary>A policy source keyed by the attachment's <c>vm_id</c> label, changed by tests.</summary>
sealed class TestPolicySource : IPolicySource
{
    readonly ConcurrentDictionary<string, DesiredState> byVm = new(StringComparer.Ordinal);
    readonly PolicyChangeFeed feed = new();

    public DesiredState Default { get; set; } = DesiredState.BlockAll;

    /// <summary>Runs before each resolution; throw or delay to simulate a failing or slow source.</summary>
    public Func<AttachmentContext, CancellationToken, Task>? BeforeResolve { get; set; }

    /// <summary>Attachment metadata naming a VM.</summary>
    public static Dictionary<string, string> Vm(string id) => new() { ["vm_id"] = id };

    public void Set(string vmId, DesiredState state)
    {
        byVm[vmId] = state;
        feed.Publish(PolicyChange.Matching($"vm {vmId}", new Dictionary<string, string> { ["vm_id"] = vmId }));
    }

    /// <summary>Changes a VM's policy without telling the SDK (as if the change happened while a daemon was away).</summary>
    public void SetQuietly(string vmId, DesiredState state) => byVm[vmId] = state;

    public void Touch(string reason) => feed.Publish(PolicyChange.All(reason));

    public async ValueTask<DesiredState> ResolveAsync(AttachmentContext attachment, CancellationToken cancellationToken)
    {
        if (BeforeResolve is { } hook) await hook(attachment, cancellationToken);
        return attachment.Metadata.TryGetValue("vm_id", out var vm) && byVm.TryGetValue(vm, out var state) ? state : Default;
    }

    public IAsyncEnumerable<PolicyChange> WatchAsync(CancellationToken cancellationToken) => feed.ReadAllAsync(cancellationToken);

    /// <summary>An allowlist of <paramref name="cidrs"/> with DNS allowing <paramref name="domains"/>.</summary>
    public static DesiredState Allow(string[] cidrs, params string[] domains) =>
        new(PolicyMode.Allowlist, cidrs.Select(c => CidrGrant.Parse(c)), [],
            new DnsPolicy(DnsMode.Allowlist, domains.Select(d => DomainRule.Parse(d, false, "domain")), [], []));
}
