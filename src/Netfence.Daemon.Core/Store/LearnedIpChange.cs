using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Store;

/// <summary>
/// One change to an attachment's learned IPs as the DNS servers make them: teachings to record (a fresh answer), or
/// addresses and teachings to forget (revocation, eviction). The store mirrors each DNS server's teachings one for one
/// (address, question, aliases, expiry), so that a restarted daemon rebuilds the same ones.
/// </summary>
public sealed record LearnedIpChange
{
    LearnedIpChange(string attachmentId, IReadOnlyList<LearnedIp>? upsert, IReadOnlyList<IPAddress>? remove, IReadOnlyList<LearnedIp>? withdraw)
    {
        ArgumentException.ThrowIfNullOrEmpty(attachmentId);
        AttachmentId = attachmentId;
        Upsert = upsert;
        Remove = remove;
        Withdraw = withdraw;
    }

    /// <summary>The attachment.</summary>
    public string AttachmentId { get; }

    /// <summary>
    /// Teachings to record, or null: a teaching known for the same address, question and aliases keeps the later of
    /// its expiries (as the DNS server's index, which never shortens one).
    /// </summary>
    public IReadOnlyList<LearnedIp>? Upsert { get; }

    /// <summary>Addresses to forget whatever taught them, or null (an upsert).</summary>
    public IReadOnlyList<IPAddress>? Remove { get; }

    /// <summary>
    /// Teachings to forget (matched by address, question and aliases; the expiry is not compared) of addresses other
    /// teachings still keep, or null (an upsert).
    /// </summary>
    public IReadOnlyList<LearnedIp>? Withdraw { get; }

    /// <summary>Records <paramref name="entries"/>.</summary>
    /// <exception cref="ArgumentException">An entry's alias is not a name the store can keep (empty, or holds a space).</exception>
    public static LearnedIpChange Learn(string attachmentId, IReadOnlyList<LearnedIp> entries)
        => new(attachmentId, Validated(entries), null, null);

    /// <summary>Forgets <paramref name="addresses"/>.</summary>
    public static LearnedIpChange Forget(string attachmentId, IReadOnlyList<IPAddress> addresses) => Forget(attachmentId, addresses, []);

    /// <summary>Forgets <paramref name="addresses"/> and the <paramref name="withdrawn"/> teachings.</summary>
    /// <exception cref="ArgumentException">A teaching's alias is not a name the store can keep (empty, or holds a space).</exception>
    public static LearnedIpChange Forget(string attachmentId, IReadOnlyList<IPAddress> addresses, IReadOnlyList<LearnedIp> withdrawn) =>
        new(attachmentId, null, addresses ?? throw new ArgumentNullException(nameof(addresses)), Validated(withdrawn));

    // Here rather than in the store's transaction: a bad entry fails its own answer, not the group it commits with.
    static IReadOnlyList<LearnedIp> Validated(IReadOnlyList<LearnedIp> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            foreach (var alias in entry.Aliases) StoredAliases.Validate(alias);
        }
        return entries;
    }
}
