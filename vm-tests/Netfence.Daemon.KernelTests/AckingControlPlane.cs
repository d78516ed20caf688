using Netfence.Daemon.ControlPlane;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.KernelTests;

/// <summary>
/// A connected control plane that answers every Subscribed with <see cref="Ack"/>, applied through <see cref="Host"/>
/// before SubscribeAsync returns as the real link does; commands go through <see cref="Host"/> too.
/// </summary>
sealed class AckingControlPlane(SubscribedAck ack) : IControlPlaneLink
{
    public SubscribedAck Ack { get; set; } = ack;
    public IAttachmentHost Host { get; private set; } = null!;
    public string Address => "https://control.test:8443";
    public ConnectionState State => ConnectionState.Connected;

    public IControlPlaneLink Bind(IAttachmentHost host)
    {
        Host = host;
        return this;
    }

    public System.Collections.Concurrent.ConcurrentQueue<(string Id, UnsubscribeReason Reason, string? Error)> Unsubscriptions { get; } = new();

    public async Task<SubscribedAck> SubscribeAsync(Subscribed subscribed, CancellationToken cancellationToken)
    {
        var ack = Ack;
        var result = await Host.ApplyAsync(new ControlCommand { Id = subscribed.Id, Version = "ack", SubscribedAck = ack }, cancellationToken);
        if (result.Status != CommandStatus.Ack) throw new SubscribedAckRejectedException(subscribed.Id, result.Field, result.Error);
        return ack;
    }

    public void Unsubscribed(string id, UnsubscribeReason reason, string? error) => Unsubscriptions.Enqueue((id, reason, error));

    public static SubscribedAck Allowlist(params string[] cidrs)
    {
        var ack = new SubscribedAck { Mode = PolicyMode.Allowlist };
        foreach (var c in cidrs) ack.AllowCidrs.Add(new CIDREntry { Cidr = c });
        return ack;
    }
}
