namespace Netfence.Daemon.Store;

/// <summary>Where learned IPs are made durable: many changes in one transaction, so in one fsync.</summary>
public interface ILearnedIpStore
{
    /// <summary>
    /// Applies <paramref name="changes"/> in order in one transaction (all or nothing). Returns, per change, false for
    /// an upsert whose attachment is not stored (nothing recorded for it) and true otherwise.
    /// </summary>
    /// <exception cref="StoreException">The transaction failed; nothing was applied.</exception>
    bool[] CommitLearnedIps(IReadOnlyList<LearnedIpChange> changes);
}
