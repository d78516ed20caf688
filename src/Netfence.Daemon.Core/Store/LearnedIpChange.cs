using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Store;

/// <summary>
/// One change to an attachment's learned IPs as the DNS servers make them: entries to record (a fresh answer), or
/// addresses to forget (revocation, eviction). Exactly one of the two is set.
/// </summary>
public sealed record LearnedIpChange
{
    LearnedIpChange(string attachmentId, IReadOnlyList<LearnedIp>? upsert, IReadOnlyList<IPAddress>? remove)
    {
        ArgumentException.ThrowIfNullOrEmpty(attachmentId);
        AttachmentId = attachmentId;
        Upsert = upsert;
        Remove = remove;
    }

    /// <summary>The attachment.</summary>
    public string AttachmentId { get; }

    /// <summary>Entries to record (an entry known for the same address and domain takes the new expiry), or null.</summary>
    public IReadOnlyList<LearnedIp>? Upsert { get; }

    /// <summary>Addresses to forget whatever name taught them, or null.</summary>
    public IReadOnlyList<IPAddress>? Remove { get; }

    /// <summary>Records <paramref name="entries"/>.</summary>
    public static LearnedIpChange Learn(string attachmentId, IReadOnlyList<LearnedIp> entries) =>
        new(attachmentId, entries ?? throw new ArgumentNullException(nameof(entries)), null);

    /// <summary>Forgets <paramref name="addresses"/>.</summary>
    public static LearnedIpChange Forget(string attachmentId, IReadOnlyList<IPAddress> addresses) =>
        new(attachmentId, null, addresses ?? throw new ArgumentNullException(nameof(addresses)));
}
