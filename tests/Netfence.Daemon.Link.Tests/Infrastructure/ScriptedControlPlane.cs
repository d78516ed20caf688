using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Infrastructure;

/// <summary>
/// A ControlPlane service whose behaviour each test scripts: whether it answers SyncRequest and Subscribed, with
/// what, and when it ends a stream. Every Connect call becomes a <see cref="ScriptedStream"/> on <see cref="Streams"/>.
/// </summary>
sealed class ScriptedControlPlane : Protocol.V1.ControlPlane.ControlPlaneBase
{
    int connects;

    public Channel<ScriptedStream> Streams { get; } = Channel.CreateUnbounded<ScriptedStream>();

    /// <summary>How many Connect calls arrived (refused ones included).</summary>
    public int Connects => Volatile.Read(ref connects);

    /// <summary>Answer each SyncRequest with SyncAck.</summary>
    public bool AnswerSync { get; set; } = true;

    /// <summary>The answer to a Subscribed (null: no answer).</summary>
    public Func<Subscribed, ControlCommand?>? AnswerSubscribed { get; set; }

    /// <summary>When set, every Connect call fails at once with this status.</summary>
    public Status? Refuse { get; set; }

    /// <summary>Answers QueryDns; when null the call fails with Unimplemented.</summary>
    public Func<DnsQueryRequest, ServerCallContext, Task<DnsQueryResponse>>? Dns { get; set; }

    /// <summary>The next stream, waiting for it if the daemon has not connected yet.</summary>
    public async Task<ScriptedStream> NextStreamAsync() => await Streams.Reader.ReadAsync().AsTask().WaitAsync(Wait.Timeout);

    /// <summary>A SubscribedAck command for <paramref name="id"/>.</summary>
    public static ControlCommand Ack(string id, string version, PolicyMode mode = PolicyMode.Allowlist, params string[] allow)
    {
        var ack = new SubscribedAck { Mode = mode, Dns = new DnsConfig { Mode = DnsMode.Allowlist } };
        foreach (var cidr in allow) ack.AllowCidrs.Add(new CIDREntry { Cidr = cidr });
        return new ControlCommand { Id = id, Version = version, SubscribedAck = ack };
    }

    public override async Task Connect(IAsyncStreamReader<DaemonEvent> requestStream, IServerStreamWriter<ControlCommand> responseStream, ServerCallContext context)
    {
        var number = Interlocked.Increment(ref connects);
        if (Refuse is { } refusal) throw new RpcException(refusal);
        var stream = new ScriptedStream(responseStream, number);
        Streams.Writer.TryWrite(stream);
        // A stopping server ends its streams, as a control plane does on shutdown, instead of waiting for the daemon.
        var lifetime = context.GetHttpContext().RequestServices.GetRequiredService<IHostApplicationLifetime>();
        using var stopping = lifetime.ApplicationStopping.Register(() => stream.End(new Status(StatusCode.Unavailable, "the control plane is shutting down")));
        var reading = ReadAsync(stream, requestStream, context.CancellationToken);
        if (await Task.WhenAny(reading, stream.EndRequested) == stream.EndRequested)
        {
            var status = stream.EndRequested.Result;
            if (status.StatusCode != StatusCode.OK) throw new RpcException(status);
        }
    }

    public override Task<DnsQueryResponse> QueryDns(DnsQueryRequest request, ServerCallContext context) =>
        Dns is { } answer ? answer(request, context) : throw new RpcException(new Status(StatusCode.Unimplemented, "no DNS script"));

    async Task ReadAsync(ScriptedStream stream, IAsyncStreamReader<DaemonEvent> requests, CancellationToken cancellationToken)
    {
        try
        {
            while (await requests.MoveNext(cancellationToken))
            {
                var e = requests.Current;
                stream.Record(e);
                if (e.EventCase == DaemonEvent.EventOneofCase.Sync && AnswerSync)
                    await stream.SendAsync(new ControlCommand { SyncAck = new SyncAck() });
                if (e.EventCase == DaemonEvent.EventOneofCase.Subscribed && AnswerSubscribed?.Invoke(e.Subscribed) is { } answer)
                    await stream.SendAsync(answer);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException or RpcException)
        {
            // The daemon went away or the test ended the call.
        }
    }
}
