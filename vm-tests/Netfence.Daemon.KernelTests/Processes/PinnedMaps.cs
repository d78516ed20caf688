namespace Netfence.Daemon.KernelTests.Processes;

/// <summary>The datapath's shared pinned maps, read back for comparing kernel state.</summary>
static class PinnedMaps
{
    /// <summary>The per-attachment maps every attachment has an entry in.</summary>
    public static readonly string[] Names = ["nf_attachments", "nf_rules4", "nf_rules6", "nf_dns_eps"];

    /// <summary>Every entry of every pinned map under <paramref name="pinDirectory"/>, keyed "map/KEYHEX".</summary>
    public static SortedDictionary<string, string> Contents(string pinDirectory)
    {
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Names)
        {
            using var map = Bpf.Pinning.ObjectPin.OpenMap(Path.Combine(pinDirectory, name));
            foreach (var (key, value) in map.Entries())
                contents[$"{name}/{Convert.ToHexString(key)}"] = Convert.ToHexString(value);
        }
        return contents;
    }
}
