using System.Net;
using Netfence.Daemon.Attachments;
using Netfence.Dns.Filtering;
using Netfence.Dns.Serving;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.DnsServing;

/// <summary>The manager's <see cref="IAttachmentDns"/> over one <see cref="DnsServer"/> that serves every attachment.</summary>
sealed class AttachmentDnsServers(DnsServer server) : IAttachmentDns
{
    public async Task OpenAsync(string id, IPEndPoint endpoint) => await server.OpenAsync(id, endpoint).ConfigureAwait(false);

    public async Task ConfigureAsync(string id, RuleSet rules, CancellationToken cancellationToken)
    {
        var attachment = server.Find(id) ?? throw new InvalidOperationException($"attachment '{id}' has no DNS server");
        // Rebinding protection lets through internal addresses a CIDR rule allows explicitly.
        var allowed = rules.AllowCidrs;
        await attachment.ConfigureAsync(rules.Dns, address => allowed.Any(r => r.Network.Contains(address)), cancellationToken).ConfigureAwait(false);
    }

    public Task CloseAsync(string id) => server.CloseAsync(id);

    public (ulong Allowed, ulong Blocked) Counters(string id) =>
        server.Find(id)?.Counters is { } c ? ((ulong)c.Allowed, (ulong)c.Blocked) : (0, 0);

    public Task SweepAsync(CancellationToken cancellationToken) => server.SweepAsync(cancellationToken);

    public bool Teaches(RuleSet rules, string domain) =>
        new DomainRuleMatcher(rules.Dns).Decide(domain) is Verdict.Allow or Verdict.AskControlPlane;

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
