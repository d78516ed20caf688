using System.Buffers.Binary;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Netfence.Daemon.Link.Tests.Infrastructure;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Connection;

public sealed class ReconnectTests
{
    [Fact]
    public async Task After_a_control_plane_restart_the_link_reconnects_and_resyncs_the_current_attachments()
    {
        var path = TestLink.SocketPath();
        var service = new ScriptedControlPlane();
        var host = new FakeAttachmentHost();
        host.Add("att-1");
        await using var test = TestLink.Start(new Uri("unix://" + path), host: host);
        await using (var first = await TestServer.StartAsync(service, new ServerEndpoint.Unix(path)))
        {
            await test.ConnectedAsync();
            var stream = await service.NextStreamAsync();
            await stream.SendAsync(new ControlCommand { Id = "att-1", Version = "v5", SetMode = new SetMode { Mode = PolicyMode.Allowlist } });
            await stream.ResultAsync("att-1", "v5");
        }
        // How the stream ends (a shutdown status, a reset connection) depends on timing; that it is noticed does not.
        await Wait.UntilAsync(() => test.Link.State != ConnectionState.Connected && test.Link.LastError is not null, "the link to notice the restart");
        host.Add("att-2");

        await using var second = await TestServer.StartAsync(service, new ServerEndpoint.Unix(path));
        await test.ConnectedAsync(times: 2);
        var resynced = await service.NextStreamAsync();
        while (resynced.Number == 1) resynced = await service.NextStreamAsync();
        var sync = (await resynced.WaitForAsync(DaemonEvent.EventOneofCase.Sync)).Sync;
        Assert.Equal([("att-1", "v5"), ("att-2", "")], sync.Attachments.Select(a => (a.Id, a.RuleVersion)));
        Assert.Equal("daemon-1", sync.DaemonId);
    }

    [Fact]
    public async Task An_error_status_from_the_control_plane_leads_to_a_reconnect()
    {
        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();

        stream.End(new Status(StatusCode.Internal, "policy store exploded"));

        await test.ConnectedAsync(times: 2);
        Assert.Contains("Internal", test.Link.LastError);
        Assert.Contains("policy store exploded", test.Link.LastError);
    }

    [Fact]
    public async Task A_stream_the_control_plane_closes_cleanly_is_reopened()
    {
        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        var stream = await service.NextStreamAsync();

        stream.End(Status.DefaultSuccess);

        await test.ConnectedAsync(times: 2);
        Assert.Contains("the control plane ended the stream (status OK", test.Link.LastError);
    }

    [Fact]
    public async Task A_control_plane_that_refuses_every_stream_is_retried_until_it_accepts()
    {
        var service = new ScriptedControlPlane { Refuse = new Status(StatusCode.PermissionDenied, "daemon not enrolled") };
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Unix(TestLink.SocketPath()));
        await using var test = TestLink.Start(server.Address);

        await Wait.UntilAsync(() => service.Connects >= 3, "three attempts");
        Assert.Equal(0, test.TimesConnected);
        // The third attempt's reason may still be on its way when the server counts it: the refusal is what is reported.
        await Wait.UntilAsync(() => test.Link.LastError?.Contains("PermissionDenied: daemon not enrolled", StringComparison.Ordinal) == true,
            "the refusal ('PermissionDenied: daemon not enrolled') as the link's last error");

        service.Refuse = null;
        await test.ConnectedAsync();
    }

    [Fact]
    public async Task Garbage_from_the_control_plane_leads_to_a_reconnect_not_a_crash()
    {
        // A raw HTTP/2 endpoint in place of the service: a valid SyncAck, then a frame that is not a ControlCommand.
        int calls = 0;
        await using var server = await TestServer.StartAsync(new ServerEndpoint.Unix(TestLink.SocketPath()), _ => { },
            app => app.MapPost("/netfence.v1.ControlPlane/Connect", async context =>
            {
                Interlocked.Increment(ref calls);
                context.Response.ContentType = "application/grpc";
                await WriteFrameAsync(context.Response, new ControlCommand { SyncAck = new SyncAck() }.ToByteArray());
                await WriteFrameAsync(context.Response, [0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x34]);
                // Held open, so that what ends the stream is the daemon giving up on the garbage, not the end of the response.
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }));
        await using var test = TestLink.Start(server.Address);

        // Each stream is connected only until the garbage arrives, too briefly to observe; count the syncs instead.
        await Wait.UntilAsync(() => test.TimesConnected >= 2, "a second connection after the garbage");
        Assert.True(Volatile.Read(ref calls) >= 2);
        await Wait.UntilAsync(() => test.Link.LastError is not null, "the failure to be recorded");
        Assert.Contains("InvalidProtocolBufferException", test.Link.LastError);
    }

    static async Task WriteFrameAsync(HttpResponse response, byte[] message)
    {
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)message.Length);
        await response.Body.WriteAsync(header);
        await response.Body.WriteAsync(message);
        await response.Body.FlushAsync();
    }
}
