using Netfence.Bpf.Sdk;
using Netfence.Programs.Layout;

namespace Netfence.Programs;

/// <summary>
/// The shared maps, one set for all attachments (pitfall 23), pinned by name so every program of every attachment
/// and the daemon use the same ones and they survive a daemon restart (pitfall 10).
/// </summary>
[BpfCode]
public static class Maps
{
    /// <summary>The attachment table (see <see cref="AttachmentValue"/>).</summary>
    [MapName(MapNames.Attachments)]
    public static readonly HashMap<AttachmentKey, AttachmentValue> Attachments =
        new(maxEntries: DatapathLimits.MaxAttachments, pinning: MapPinning.ByName);

    /// <summary>IPv4 rules of every rule set.</summary>
    [MapName(MapNames.Rules4)]
    public static readonly LpmTrieMap<Rule4Key, RuleValue> Rules4 =
        new(maxEntries: DatapathLimits.MaxRules, pinning: MapPinning.ByName);

    /// <summary>IPv6 rules of every rule set.</summary>
    [MapName(MapNames.Rules6)]
    public static readonly LpmTrieMap<Rule6Key, RuleValue> Rules6 =
        new(maxEntries: DatapathLimits.MaxRules, pinning: MapPinning.ByName);

    /// <summary>DNS endpoint → owning attachment index.</summary>
    [MapName(MapNames.DnsEndpoints)]
    public static readonly HashMap<DnsEndpointKey, uint> DnsEndpoints =
        new(maxEntries: DatapathLimits.MaxDnsEndpoints, pinning: MapPinning.ByName);

    /// <summary>Per-CPU allowed/blocked counters per attachment index.</summary>
    [MapName(MapNames.Counters)]
    public static readonly PerCpuArrayMap<ulong> Counters =
        new(maxEntries: DatapathLimits.MaxCounters, pinning: MapPinning.ByName);
}
