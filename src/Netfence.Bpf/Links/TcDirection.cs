namespace Netfence.Bpf.Links;

/// <summary>
/// A network device's TC hook. On a host-side veth or tap the workload's outbound traffic
/// arrives as the host device's <see cref="Ingress"/> (pitfall #5).
/// </summary>
public enum TcDirection
{
    Ingress,
    Egress,
}
