using System.Net;
using Netfence.Daemon.Attachments;
using Netfence.Dns.Serving;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.DnsServing;

/// <summary>The manager's <see cref="IAttachmentDns"/> over one <see cref="DnsServer"/> that serves every attachment.</summary>
sealed class AttachmentDnsServers(DnsServer server) : IAttachmentDns
{
    /// <summary>The server behind these attachments (tests compare its learned state across a restart).</summary>
    internal DnsServer Server => server;

    public async Task OpenAsync(string id, IPEndPoint endpoint) => await server.OpenAsync(id, endpoint).ConfigureAwait(false);

    public async Task RestoreLearnedAsync(string id, IReadOnlyList<LearnedIp> learned, CancellationToken cancellationToken)
    {
        await Opened(id).RestoreAsync(learned, cancellationToken).ConfigureAwait(false);
    }

    public async Task ConfigureAsync(string id, RuleSet rules, CancellationToken cancellationToken)
    {
        var attachment = Opened(id);
        // Rebinding protection lets through internal addresses a CIDR rule allows explicitly.
        var allowed = rules.AllowCidrs;
        await attachment.ConfigureAsync(rules.Dns, address => allowed.Any(r => r.Network.Contains(address)), cancellationToken).ConfigureAwait(false);
    }

    public Task CloseAsync(string id) => server.CloseAsync(id);

    public (ulong Allowed, ulong Blocked) Counters(string id) =>
        server.Find(id)?.Counters is { } c ? ((ulong)c.Allowed, (ulong)c.Blocked) : (0, 0);

    public Task SweepAsync(CancellationToken cancellationToken) => server.SweepAsync(cancellationToken);

    public ValueTask DisposeAsync() => server.DisposeAsync();

    // The attachment's server, which OpenAsync made; the manager never asks for one it did not open.
    DnsAttachment Opened(string id) => server.Find(id) ?? throw new InvalidOperationException($"attachment '{id}' has no DNS server");
}
