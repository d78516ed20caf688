using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// The per-attachment DNS servers as the manager drives them (implemented by netfenced over Netfence.Dns, which
/// itself depends on this assembly for its settings). A server refuses every query until configured (pitfall 14).
/// </summary>
public interface IAttachmentDns : IAsyncDisposable
{
    /// <summary>Binds UDP and TCP on <paramref name="endpoint"/> and serves, refusing everything until configured.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The endpoint cannot be bound.</exception>
    Task OpenAsync(string id, IPEndPoint endpoint);

    /// <summary>
    /// Gives the attachment's server back the teachings a restarted daemon's store kept (each with its whole chain), before
    /// its first <see cref="ConfigureAsync"/>, so that rule changes judge them as before the restart. Writes nothing.
    /// </summary>
    Task RestoreLearnedAsync(string id, IReadOnlyList<LearnedIp> learned, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the DNS part of <paramref name="rules"/>; revokes what the new rules would not have taught (each teaching
    /// judged on its whole chain: question allowed, no alias denied).
    /// </summary>
    Task ConfigureAsync(string id, RuleSet rules, CancellationToken cancellationToken);

    /// <summary>Stops serving the attachment.</summary>
    Task CloseAsync(string id);

    /// <summary>Queries answered and refused so far (zero for an id without a server).</summary>
    (ulong Allowed, ulong Blocked) Counters(string id);

    /// <summary>Removes expired learned IPs of every attachment.</summary>
    Task SweepAsync(CancellationToken cancellationToken);
}
