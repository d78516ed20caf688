using Netfence.Policy.Rules;

namespace Netfence.Daemon.Store;

/// <summary>A learned IP removed from the store, with the attachment it belonged to, so the caller can remove it from the kernel too.</summary>
public sealed record ExpiredLearnedIp(string AttachmentId, LearnedIp Entry);
