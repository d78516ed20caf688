using System.Net;
using Netfence.Policy.Metadata;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// An attachment as the running daemon holds it. <see cref="Gate"/> serialises every operation on it (attach,
/// commands, detach); different attachments proceed in parallel. Fields change only under the gate; readers outside
/// it (List, heartbeats) see a consistent snapshot because each field is replaced whole.
/// </summary>
sealed class LiveAttachment(string id, ResolvedTarget target, AttachmentMetadata metadata, DateTimeOffset attachedAt)
{
    public string Id { get; } = id;
    public ResolvedTarget Target { get; } = target;
    public AttachmentMetadata Metadata { get; } = metadata;
    public DateTimeOffset AttachedAt { get; } = attachedAt;
    /// <summary>The DNS server's endpoint; set once, before the attachment is committed.</summary>
    public IPEndPoint Dns { get; set; } = new(IPAddress.None, 0);
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public volatile RuleSet Rules = RuleSet.BlockAll;
    public volatile string RuleVersion = "";

    /// <summary>
    /// Attach sent Subscribed and waits for the SubscribedAck, which the link applies through ApplyAsync while Attach
    /// holds <see cref="Gate"/>; cleared once the ack is applied or Attach stopped waiting. Changes under <see cref="SubscribeGate"/>.
    /// </summary>
    public volatile bool AwaitingSubscribedAck;

    /// <summary>
    /// Serialises the SubscribedAck's apply with the end of Attach's wait for it, so an Attach whose caller gave up
    /// never rolls back while the ack is being written.
    /// </summary>
    public SemaphoreSlim SubscribeGate { get; } = new(1, 1);

    /// <summary>The attachment's record is in the store (rolled back with it when Attach fails).</summary>
    public volatile bool Stored;

    /// <summary>Attach finished: the attachment is stored, listed and reported to the control plane.</summary>
    public volatile bool Committed;

    /// <summary>Detached, removed or rolled back; operations that waited on the gate find it gone.</summary>
    public volatile bool Ended;

    public string DnsAddress => Dns.ToString();
}
