using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Learning;

/// <summary>
/// Writes learned destinations into an attachment's kernel allowlist. The DNS server awaits
/// <see cref="WriteAsync"/> before it answers (pitfall 12) and turns a failure into SERVFAIL (pitfall 13).
/// </summary>
public interface IAllowlistWriter
{
    /// <summary>Inserts each address, or moves its expiry to the given one if already present.</summary>
    ValueTask<AllowlistWriteResult> WriteAsync(string attachmentId, IReadOnlyList<LearnedIp> entries, CancellationToken cancellationToken);

    /// <summary>Removes addresses no allowed name vouches for any more (revocation and expiry).</summary>
    ValueTask<AllowlistWriteResult> RemoveAsync(string attachmentId, IReadOnlyList<IPAddress> addresses, CancellationToken cancellationToken);
}
