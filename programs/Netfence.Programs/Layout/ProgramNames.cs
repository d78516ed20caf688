namespace Netfence.Programs.Layout;

/// <summary>The program names in the datapath's object (the C reference and the compiler's output use the same).</summary>
public static class ProgramNames
{
    /// <summary>The host-side device's TC ingress: the workload's outbound frames.</summary>
    public const string TcIngress = "TcIngress";

    /// <summary>cgroup/connect4.</summary>
    public const string Connect4 = "Connect4";

    /// <summary>cgroup/connect6.</summary>
    public const string Connect6 = "Connect6";

    /// <summary>cgroup/sendmsg4 (unconnected UDP).</summary>
    public const string Sendmsg4 = "Sendmsg4";

    /// <summary>cgroup/sendmsg6 (unconnected UDP).</summary>
    public const string Sendmsg6 = "Sendmsg6";

    /// <summary>cgroup_skb/egress: every packet a socket of the cgroup sends.</summary>
    public const string CgroupSkbEgress = "CgroupSkbEgress";

    /// <summary>The .rodata variable that, when non-zero, names the cgroup attachment a cgroup program serves.</summary>
    public const string FixedCgroupAttachment = "FixedCgroupAttachment";
}
