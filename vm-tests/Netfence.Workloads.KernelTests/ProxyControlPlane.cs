using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Dns;
using Netfence.ControlPlane.Hosting;
using Netfence.ControlPlane.Policies;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Sandbox;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// An external control plane on the SDK (src/Netfence.ControlPlane), served on a unix socket from the test process:
/// every attachment gets an allowlist with DNS in proxy mode, so the daemon asks <see cref="DecideAsync"/> (QueryDns)
/// about each name. The built-in YAML control plane accepts <c>dns.mode: proxy</c> but has no query handler (it denies
/// every proxied name), so deciding names needs a control plane of one's own, as here. Decisions: <c>api.allowed.example</c>
/// is resolved upstream and learned; <c>www.allowed.example</c> is answered with <see cref="OverrideAddress"/> (A only;
/// learned, never forwarded); everything else is denied. Every query is recorded.
/// </summary>
public sealed class ProxyControlPlane : IPolicySource, IDnsQueryHandler, IAsyncDisposable
{
    readonly WebApplication _app;
    readonly string _directory;
    readonly ConcurrentQueue<DnsQuery> _queries = new();

    public ProxyControlPlane(IPAddress overrideAddress)
    {
        OverrideAddress = overrideAddress;
        _directory = Directory.CreateTempSubdirectory(UniqueName.Prefix + "-proxycp-").FullName;
        var socket = Path.Combine(_directory, "controlplane.sock");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socket, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton<IPolicySource>(this);
        builder.Services.AddSingleton<IDnsQueryHandler>(this);
        builder.Services.AddNetfenceControlPlane();
        _app = builder.Build();
        _app.MapNetfenceControlPlane();
        Address = "unix://" + socket;
    }

    /// <summary>The control_plane.address for netfenced.</summary>
    public string Address { get; }

    /// <summary>The answer the control plane gives for www.allowed.example instead of the zone's.</summary>
    public IPAddress OverrideAddress { get; }

    /// <summary>Every query the daemon asked about, in order.</summary>
    public IReadOnlyList<DnsQuery> Queries => [.. _queries];

    public Task StartAsync() => _app.StartAsync();

    public ValueTask<DesiredState> ResolveAsync(AttachmentContext attachment, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new DesiredState(PolicyMode.Allowlist, [], [], new DnsPolicy(DnsMode.Proxy, [], [], [])));

    public IAsyncEnumerable<PolicyChange> WatchAsync(CancellationToken cancellationToken) => AsyncEnumerable.Empty<PolicyChange>();

    public ValueTask<DnsDecision> DecideAsync(DnsQuery query, CancellationToken cancellationToken)
    {
        _queries.Enqueue(query);
        return ValueTask.FromResult(query.Domain switch
        {
            "api.allowed.example" => DnsDecision.AllowAndLearn(),
            // Only an A answer can be overridden with an IPv4 address; any other type is denied rather than forwarded.
            "www.allowed.example" when query.QueryType == "A" => new DnsDecision(true, true, [OverrideAddress], 60),
            _ => DnsDecision.Deny,
        });
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
