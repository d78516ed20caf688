namespace Netfence.Bpf.Sdk;

/// <summary>How the loader attaches a program of a hook.</summary>
public enum AttachMechanism
{
    /// <summary>A netlink tc filter on a clsact qdisc.</summary>
    Netlink,

    /// <summary>A bpf_link on an interface (BPF_LINK_CREATE with the ifindex).</summary>
    Link,

    /// <summary>A cgroup attachment (bpf_link or BPF_PROG_ATTACH on a cgroup directory fd).</summary>
    Cgroup,
}
