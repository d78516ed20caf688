using System.Net;
using Netfence.Datapath;
using Netfence.Dns.Learning;
using Netfence.Policy.Rules;

namespace Netfence.Dns.KernelTests;

/// <summary>
/// The DNS server's allowlist writer on the real datapath, as the daemon's attachment manager does it without the
/// store: learned addresses go into the attachment's kernel rule set before the answer leaves.
/// </summary>
sealed class DatapathAllowlistWriter(RuleSetWriter rules) : IAllowlistWriter
{
    readonly Lock _lock = new();

    /// <summary>The attachment the server's learned addresses belong to (set once its cgroup exists).</summary>
    public AttachmentTarget? Target { get; set; }

    public ValueTask<AllowlistWriteResult> WriteAsync(string attachmentId, IReadOnlyList<LearnedIp> entries, IReadOnlyList<LearnedIp> taught, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Apply(target =>
        {
            foreach (var entry in entries) rules.SetLearned(target, entry);
        }));

    public ValueTask<AllowlistWriteResult> RemoveAsync(string attachmentId, IReadOnlyList<IPAddress> addresses, IReadOnlyList<LearnedIp> withdrawn, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Apply(target =>
        {
            foreach (var address in addresses) rules.RemoveLearned(target, address);
        }));

    AllowlistWriteResult Apply(Action<AttachmentTarget> write)
    {
        if (Target is not { } target) return AllowlistWriteResult.Failed(AllowlistFailure.AttachmentGone, "no cgroup yet");
        try
        {
            // The rule-set writer is not thread-safe; the DNS server may learn from several threads.
            lock (_lock) write(target);
            return AllowlistWriteResult.Ok;
        }
        catch (DatapathFullException e)
        {
            return AllowlistWriteResult.Failed(AllowlistFailure.MapFull, e.Message);
        }
    }
}
