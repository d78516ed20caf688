namespace Netfence.Bpf.Links;

/// <summary>Options for <see cref="TcAttach"/>.</summary>
public sealed record TcAttachOptions
{
    /// <summary>The netlink filter priority used when none is given.</summary>
    public const ushort DefaultPriority = 20000;

    /// <summary>The netlink filter handle used when none is given ("NF").</summary>
    public const uint DefaultHandle = 0x4E46;

    /// <summary>TCX or netlink; <see cref="TcAttachMode.Auto"/> probes the kernel.</summary>
    public TcAttachMode Mode { get; init; } = TcAttachMode.Auto;

    /// <summary>The network namespace of the device (e.g. <c>/var/run/netns/NAME</c>); null for ours.</summary>
    public string? NamespacePath { get; init; }

    /// <summary>Netlink only: the filter priority (1..65535), unique among filters on the hook.</summary>
    public ushort Priority { get; init; } = DefaultPriority;

    /// <summary>Netlink only: the filter handle (non-zero).</summary>
    public uint Handle { get; init; } = DefaultHandle;

    /// <summary>
    /// Netlink only: the name the kernel keeps on the filter (TCA_BPF_NAME), by which a later
    /// process finds it again; defaults to the program's name.
    /// </summary>
    public string? FilterName { get; init; }
}
