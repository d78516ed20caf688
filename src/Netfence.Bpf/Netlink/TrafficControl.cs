namespace Netfence.Bpf.Netlink;

/// <summary>Traffic-control constants from <c>pkt_sched.h</c> and <c>pkt_cls.h</c>.</summary>
public static class TrafficControl
{
    /// <summary>TC_H_CLSACT: the clsact qdisc's parent (same value as TC_H_INGRESS).</summary>
    public const uint ClsactParent = 0xFFFFFFF1;
    /// <summary>The clsact qdisc's own handle, <c>ffff:0</c>.</summary>
    public const uint ClsactHandle = 0xFFFF0000;
    /// <summary>The clsact ingress hook as a filter parent, <c>ffff:fff2</c>.</summary>
    public const uint ClsactIngressParent = 0xFFFFFFF2;
    /// <summary>The clsact egress hook as a filter parent, <c>ffff:fff3</c>.</summary>
    public const uint ClsactEgressParent = 0xFFFFFFF3;

    /// <summary>ETH_P_ALL in network byte order, as the filter protocol in tcm_info.</summary>
    public const ushort ProtocolAllNetworkOrder = 0x0300;

    /// <summary>TCA_KIND: the qdisc or classifier name.</summary>
    public const ushort AttributeKind = 1;
    /// <summary>TCA_OPTIONS: the kind-specific nested options.</summary>
    public const ushort AttributeOptions = 2;

    /// <summary>TCA_BPF_FD: the program fd for cls_bpf.</summary>
    public const ushort BpfAttributeFd = 6;
    /// <summary>TCA_BPF_NAME: a name the kernel keeps and reports back in dumps.</summary>
    public const ushort BpfAttributeName = 7;
    /// <summary>TCA_BPF_FLAGS: cls_bpf flags.</summary>
    public const ushort BpfAttributeFlags = 8;
    /// <summary>TCA_BPF_ID: the attached program's id, in dumps.</summary>
    public const ushort BpfAttributeId = 11;
    /// <summary>TCA_BPF_FLAG_ACT_DIRECT: the program's return value is the verdict.</summary>
    public const uint BpfFlagDirectAction = 1;

    /// <summary>tcm_info of a filter: priority and protocol.</summary>
    public static uint FilterInfo(ushort priority, ushort protocolNetworkOrder = ProtocolAllNetworkOrder)
        => ((uint)priority << 16) | protocolNetworkOrder;
}
