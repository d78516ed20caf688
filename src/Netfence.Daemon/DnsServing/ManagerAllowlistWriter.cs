using System.Net;
using Netfence.Daemon.Attachments;
using Netfence.Dns.Learning;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.DnsServing;

/// <summary>
/// The DNS servers' <see cref="IAllowlistWriter"/>: learned IPs go through the attachment manager into the
/// attachment's kernel rule set and the store before the answer is released (pitfall 12). The manager is created
/// after the DNS servers (it needs them), so it is bound once, before any attachment exists.
/// The work runs on the thread pool, not on the caller's thread: the DNS servers call from their event loops, each
/// serving many attachments, and the store's write waits for an fsync (milliseconds, up to ~100 ms on a busy disk);
/// done inline, one attachment's learning would stall every other attachment on that loop (pitfall 21). The answer
/// still waits for both writes (pitfall 12); answers learning at the same time share one store commit (group commit,
/// <see cref="LearnedIpGroupCommit"/>), so a burst of answers costs one fsync, not one each.
/// </summary>
sealed class ManagerAllowlistWriter : IAllowlistWriter
{
    AttachmentManager? _manager;

    public void Bind(AttachmentManager manager) => _manager = manager;

    AttachmentManager Manager => _manager ?? throw new InvalidOperationException("the allowlist writer is used before the attachment manager exists");

    public ValueTask<AllowlistWriteResult> WriteAsync(string attachmentId, IReadOnlyList<LearnedIp> entries, IReadOnlyList<LearnedIp> taught, CancellationToken cancellationToken) =>
        new(Task.Run(async () => Map(await Manager.LearnAsync(attachmentId, entries, taught).ConfigureAwait(false)), CancellationToken.None));

    public ValueTask<AllowlistWriteResult> RemoveAsync(string attachmentId, IReadOnlyList<IPAddress> addresses, IReadOnlyList<LearnedIp> withdrawn, CancellationToken cancellationToken) =>
        new(Task.Run(async () => Map(await Manager.UnlearnAsync(attachmentId, addresses, withdrawn).ConfigureAwait(false)), CancellationToken.None));

    static AllowlistWriteResult Map((LearnOutcome Outcome, string? Detail) result) => result.Outcome switch
    {
        LearnOutcome.Written => AllowlistWriteResult.Ok,
        LearnOutcome.MapFull => AllowlistWriteResult.Failed(AllowlistFailure.MapFull, result.Detail),
        LearnOutcome.AttachmentGone => AllowlistWriteResult.Failed(AllowlistFailure.AttachmentGone, result.Detail),
        _ => AllowlistWriteResult.Failed(AllowlistFailure.Error, result.Detail),
    };
}
