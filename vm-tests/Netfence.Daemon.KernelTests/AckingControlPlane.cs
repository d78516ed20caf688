using Netfence.Daemon.ControlPlane;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.KernelTests;

/// <summary>A connected control plane that answers every Subscribed with <see cref="Ack"/>; commands go through <see cref="Host"/>.</summary>
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

    public Task<SubscribedAck> SubscribeAsync(Subscribed subscribed, CancellationToken cancellationToken) => Task.FromResult(Ack);

    public void Unsubscribed(string id, UnsubscribeReason reason, string? error)
    {
    }

    public static SubscribedAck Allowlist(params string[] cidrs)
    {
        var ack = new SubscribedAck { Mode = PolicyMode.Allowlist };
        foreach (var c in cidrs) ack.AllowCidrs.Add(new CIDREntry { Cidr = c });
        return ack;
    }
}
