using System.Collections.Concurrent;
using Netfence.Daemon.ControlPlane;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>
/// A control-plane link that answers Subscribed with a given ack (or fails as told) and records reports. Like the real
/// link, it applies the ack through the host before SubscribeAsync returns, and throws
/// <see cref="SubscribedAckRejectedException"/> when the host NACKs it.
/// </summary>
sealed class FakeControlPlane : IControlPlaneLink
{
    public IAttachmentHost? Host { get; private set; }
    public Func<Subscribed, Task<SubscribedAck>> Answer { get; set; } = _ => Task.FromResult(new SubscribedAck { Mode = PolicyMode.BlockAll });
    public ConcurrentQueue<Subscribed> Subscriptions { get; } = new();
    public ConcurrentQueue<(string Id, UnsubscribeReason Reason, string? Error)> Unsubscriptions { get; } = new();

    public string Address => "https://control.test:8443";
    public ConnectionState State { get; set; } = ConnectionState.Connected;

    /// <summary>The version the control plane gives each ack (ControlCommand.version).</summary>
    public string AckVersion { get; set; } = "v1";

    public IControlPlaneLink Bind(IAttachmentHost host)
    {
        Host = host;
        return this;
    }

    public Task<SubscribedAck> SubscribeAsync(Subscribed subscribed, CancellationToken cancellationToken)
    {
        Subscriptions.Enqueue(subscribed);
        if (State != ConnectionState.Connected) throw new ControlPlaneUnavailableException("the stream is down");
        return AnswerAndApplyAsync(subscribed, cancellationToken);
    }

    async Task<SubscribedAck> AnswerAndApplyAsync(Subscribed subscribed, CancellationToken cancellationToken)
    {
        var ack = await Answer(subscribed);
        var result = await Host!.ApplyAsync(new ControlCommand { Id = subscribed.Id, Version = AckVersion, SubscribedAck = ack }, cancellationToken);
        if (result.Status != CommandStatus.Ack) throw new SubscribedAckRejectedException(subscribed.Id, result.Field, result.Error);
        return ack;
    }

    public void Unsubscribed(string id, UnsubscribeReason reason, string? error) => Unsubscriptions.Enqueue((id, reason, error));
}
