using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging;
using Netfence.Dns.Proxy;
using Netfence.Dns.Serving;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Tests.Support;

/// <summary>A <see cref="DnsServer"/> on 127.0.0.1 with one attachment and a fake allowlist.</summary>
sealed class TestServer : IAsyncDisposable
{
    public FakeAllowlistWriter Writer { get; } = new();
    public DnsServer Server { get; }
    public DnsAttachment Attachment { get; private set; } = null!;
    public IPEndPoint Endpoint => Attachment.Endpoint!;

    TestServer(DnsServerOptions options, IDnsControlPlane? controlPlane, ILogger<DnsServer>? logger) =>
        Server = new DnsServer(options, Writer, controlPlane, logger);

    /// <summary>
    /// Starts the server; <paramref name="upstreamTimeout"/> is short by default so that tests of an upstream that never
    /// answers end quickly. A test whose upstream is a scripted task on the thread pool gives it longer: with the other
    /// test classes running beside it, that task may take more than half a second to answer.
    /// </summary>
    public static async Task<TestServer> StartAsync(DnsServerOptions? options = null, IDnsControlPlane? controlPlane = null, IPEndPoint? upstream = null,
        ILogger<DnsServer>? logger = null, TimeSpan? upstreamTimeout = null)
    {
        options ??= new DnsServerOptions();
        if (upstream is not null) options = options with { DefaultUpstreams = [upstream] };
        var server = new TestServer(options with { UpstreamTimeout = upstreamTimeout ?? TimeSpan.FromMilliseconds(500) }, controlPlane, logger);
        server.Attachment = await server.Server.OpenAsync("att-1", new IPEndPoint(IPAddress.Loopback, 0));
        return server;
    }

    public static DnsPolicy Policy(DnsMode mode, IEnumerable<string>? allow = null, IEnumerable<string>? deny = null, IEnumerable<IPEndPoint>? upstreams = null) =>
        new(mode, (allow ?? []).Select(Rule), (deny ?? []).Select(Rule), upstreams ?? ImmutableArray<IPEndPoint>.Empty);

    /// <summary>"name" exact, "name+" with subdomains, "*.name" subdomains only.</summary>
    public static DomainRule Rule(string pattern) =>
        pattern.EndsWith('+') ? DomainRule.Parse(pattern[..^1], true, "test") : DomainRule.Parse(pattern, false, "test");

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
