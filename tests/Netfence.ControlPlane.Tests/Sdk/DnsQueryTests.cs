using System.Net;
using Grpc.Core;
using Netfence.ControlPlane.Dns;
using Netfence.ControlPlane.Tests.Infrastructure;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Tests.Sdk;

public sealed class DnsQueryTests
{
    sealed class RecordingHandler : IDnsQueryHandler
    {
        public DnsQuery? Last;

        public ValueTask<DnsDecision> DecideAsync(DnsQuery query, CancellationToken cancellationToken)
        {
            Last = query;
            if (query.Domain == "boom.example") throw new InvalidOperationException("handler bug");
            return ValueTask.FromResult(query.Domain.EndsWith(".example.com", StringComparison.Ordinal)
                ? new DnsDecision(true, true, [IPAddress.Parse("192.0.2.7")], 60)
                : DnsDecision.Deny);
        }
    }

    [Fact]
    public async Task Without_a_handler_every_query_is_denied()
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());

        var response = await cp.Client.QueryDnsAsync(new Proto.DnsQueryRequest { Id = "att-1", Domain = "example.com.", QueryType = "A" });

        Assert.False(response.Allow);
        Assert.False(response.AddToFilter);
        Assert.Empty(response.Ips);
    }

    [Fact]
    public async Task The_handler_sees_the_canonical_name_and_the_attachment_and_its_answer_is_returned()
    {
        var handler = new RecordingHandler();
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource(), handler);
        await using var daemon = cp.Daemon("host-a");
        await daemon.ConnectAsync();
        await daemon.SubscribeAsync("att-1", new() { ["vm_id"] = "abc" });

        var response = await cp.Client.QueryDnsAsync(new Proto.DnsQueryRequest { Id = "att-1", Domain = "WWW.Example.COM.", QueryType = "aaaa" });

        Assert.True(response.Allow);
        Assert.True(response.AddToFilter);
        Assert.Equal(["192.0.2.7"], response.Ips);
        Assert.Equal(60u, response.TtlSeconds);
        Assert.Equal(("www.example.com", "AAAA", "abc"), (handler.Last!.Domain, handler.Last.QueryType, handler.Last.Attachment!.Metadata["vm_id"]));
    }

    [Fact]
    public async Task A_failing_handler_denies()
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource(), new RecordingHandler());

        var response = await cp.Client.QueryDnsAsync(new Proto.DnsQueryRequest { Id = "att-1", Domain = "boom.example", QueryType = "A" });

        Assert.False(response.Allow);
    }

    [Theory]
    [InlineData("", "example.com", "A", "id: is empty")]
    [InlineData("att-1", "bad..name", "A", "domain: 'bad..name' has an empty label")]
    [InlineData("att-1", "example.com", "A;drop", "query_type: 'A;drop' is not a record type")]
    public async Task A_malformed_query_is_InvalidArgument_naming_the_field(string id, string domain, string type, string expected)
    {
        await using var cp = await TestControlPlane.StartAsync(new TestPolicySource());

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await cp.Client.QueryDnsAsync(new Proto.DnsQueryRequest { Id = id, Domain = domain, QueryType = type }));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith(expected, e.Status.Detail);
    }
}
