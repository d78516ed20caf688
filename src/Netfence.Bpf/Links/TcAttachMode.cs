namespace Netfence.Bpf.Links;

/// <summary>How to attach a TC program.</summary>
public enum TcAttachMode
{
    /// <summary>TCX where the kernel has it (probed, not read from the version), else netlink.</summary>
    Auto,
    /// <summary>A TCX bpf link only.</summary>
    Tcx,
    /// <summary>A clsact qdisc and a direct-action cls_bpf filter over rtnetlink only.</summary>
    Netlink,
}
