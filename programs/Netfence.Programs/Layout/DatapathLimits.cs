namespace Netfence.Programs.Layout;

/// <summary>The capacities the shared maps are created with, sized for one host (pitfalls 13 and 23).</summary>
public static class DatapathLimits
{
    /// <summary>Attachments per host: entries of the attachment table and slots of the counters.</summary>
    public const uint MaxAttachments = 10_000;

    /// <summary>Rule prefixes per host and per address family (allow and deny of one prefix share an entry).</summary>
    public const uint MaxRules = 1_000_000;

    /// <summary>DNS endpoints: an IPv4 and an IPv6 one per attachment.</summary>
    public const uint MaxDnsEndpoints = 2 * MaxAttachments;

    /// <summary>Counter slots: <see cref="CounterSlots.PerAttachment"/> per attachment index.</summary>
    public const uint MaxCounters = CounterSlots.PerAttachment * MaxAttachments;

    /// <summary>The deepest cgroup level a cgroup program looks at when it searches ancestors for attachments.</summary>
    public const int MaxCgroupDepth = 32;

    /// <summary>IPv6 extension headers skipped before a packet counts as malformed.</summary>
    public const int MaxIpv6ExtensionHeaders = 8;

    /// <summary>VLAN tags (802.1Q, 802.1ad) parsed in the frame before it counts as malformed.</summary>
    public const int MaxVlanTags = 2;
}
