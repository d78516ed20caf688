namespace Netfence.Dns.Filtering;

/// <summary>What the server does with a query name.</summary>
public enum Verdict
{
    /// <summary>Refuse it without resolving (deny rule, or not on the allow list).</summary>
    Block,
    /// <summary>Resolve it upstream and learn the IPs of the answer.</summary>
    Allow,
    /// <summary>Resolve it upstream and learn nothing (DNS mode disabled).</summary>
    Forward,
    /// <summary>Ask the control plane (proxy mode).</summary>
    AskControlPlane,
}
