using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Learning;

/// <summary>
/// Writes learned destinations into an attachment's kernel allowlist, and mirrors the teachings behind them where they
/// must outlive the process (netfenced's store). The DNS server awaits <see cref="WriteAsync"/> before it answers
/// (pitfall 12) and turns a failure into SERVFAIL (pitfall 13).
/// </summary>
public interface IAllowlistWriter
{
    /// <summary>
    /// Inserts each of <paramref name="entries"/>, or moves its expiry to the given one if already present (what the
    /// kernel must hold: each address once, with its longest expiry over every teaching), and records
    /// <paramref name="taught"/> (each address through each chain with its own expiry; one already recorded keeps the
    /// later expiry). A rewrite of expiries records no teaching.
    /// </summary>
    ValueTask<AllowlistWriteResult> WriteAsync(string attachmentId, IReadOnlyList<LearnedIp> entries, IReadOnlyList<LearnedIp> taught, CancellationToken cancellationToken);

    /// <summary>
    /// Removes <paramref name="addresses"/>, which no allowed name vouches for any more (revocation, expiry, eviction),
    /// with every teaching of them, and forgets the <paramref name="withdrawn"/> teachings of addresses that stay.
    /// </summary>
    ValueTask<AllowlistWriteResult> RemoveAsync(string attachmentId, IReadOnlyList<IPAddress> addresses, IReadOnlyList<LearnedIp> withdrawn, CancellationToken cancellationToken);
}
