namespace Netfence.Bpf.Links;

/// <summary>How to attach a program to a cgroup.</summary>
public enum CgroupAttachMode
{
    /// <summary>A bpf link where the kernel has cgroup links (5.7+), else BPF_PROG_ATTACH.</summary>
    Auto,
    /// <summary>BPF_LINK_CREATE only.</summary>
    Link,
    /// <summary>BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI only (the pre-5.7 way).</summary>
    ProgAttach,
}
