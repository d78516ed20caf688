namespace Netfence.Programs.Layout;

/// <summary>The names the shared maps are pinned under (at most 15 characters, the kernel's limit).</summary>
public static class MapNames
{
    /// <summary>The attachment table: <see cref="AttachmentKey"/> → <see cref="AttachmentValue"/>.</summary>
    public const string Attachments = "nf_attachments";

    /// <summary>The IPv4 rules: <see cref="Rule4Key"/> → <see cref="RuleValue"/> (LPM trie).</summary>
    public const string Rules4 = "nf_rules4";

    /// <summary>The IPv6 rules: <see cref="Rule6Key"/> → <see cref="RuleValue"/> (LPM trie).</summary>
    public const string Rules6 = "nf_rules6";

    /// <summary>DNS server endpoints: <see cref="DnsEndpointKey"/> → owning attachment index (uint).</summary>
    public const string DnsEndpoints = "nf_dns_eps";

    /// <summary>Per-CPU counters (ulong), <see cref="CounterSlots.PerAttachment"/> per attachment index.</summary>
    public const string Counters = "nf_counters";
}
