using System.Runtime.CompilerServices;
using Netfence.Bpf.Info;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Pinning;
using Netfence.Bpf.Programs;
using Netfence.Programs.Layout;

namespace Netfence.Datapath;

/// <summary>
/// The datapath's maps, one set for every attachment on the host, pinned under one bpffs directory (by default
/// /sys/fs/bpf/netfence) by the names in <see cref="MapNames"/>. Opening adopts maps that are pinned already, so a
/// restarted daemon keeps the state the programs are enforcing (pitfall 10); a pinned map whose shape differs is
/// refused rather than silently replaced.
/// </summary>
public sealed class SharedMaps : IDisposable
{
    /// <summary>The conventional pin directory.</summary>
    public const string DefaultPinDirectory = "/sys/fs/bpf/netfence";

    private SharedMaps(string pinDirectory, BpfMap<AttachmentKey, AttachmentValue> attachments, BpfMap<Rule4Key, RuleValue> rules4,
        BpfMap<Rule6Key, RuleValue> rules6, BpfMap<DnsEndpointKey, uint> dnsEndpoints, PerCpuBpfMap<uint, ulong> counters, bool adopted)
    {
        PinDirectory = pinDirectory;
        Attachments = attachments;
        Rules4 = rules4;
        Rules6 = rules6;
        DnsEndpoints = dnsEndpoints;
        Counters = counters;
        Adopted = adopted;
    }

    /// <summary>Where the maps are pinned; pass it to the program loader so programs share these maps.</summary>
    public string PinDirectory { get; }

    /// <summary>The attachment table.</summary>
    public BpfMap<AttachmentKey, AttachmentValue> Attachments { get; }

    /// <summary>The IPv4 rule trie.</summary>
    public BpfMap<Rule4Key, RuleValue> Rules4 { get; }

    /// <summary>The IPv6 rule trie.</summary>
    public BpfMap<Rule6Key, RuleValue> Rules6 { get; }

    /// <summary>DNS endpoints and their owners.</summary>
    public BpfMap<DnsEndpointKey, uint> DnsEndpoints { get; }

    /// <summary>Per-CPU counters.</summary>
    public PerCpuBpfMap<uint, ulong> Counters { get; }

    /// <summary>True when every map was found pinned (a restart), false when this call created them.</summary>
    public bool Adopted { get; }

    /// <summary>
    /// Waits until programs that may still read what an attachment entry pointed at before a change have returned
    /// (this process's own small maps, not pinned: it shares nothing).
    /// </summary>
    public ProgramGracePeriod GracePeriod => _gracePeriod ??= new ProgramGracePeriod();

    private ProgramGracePeriod? _gracePeriod;

    /// <summary>The specs the maps are created with: the capacities of <see cref="DatapathLimits"/>.</summary>
    public static IReadOnlyList<MapSpec> Specs { get; } =
    [
        MapSpec.Hash(MapNames.Attachments, Size<AttachmentKey>(), Size<AttachmentValue>(), DatapathLimits.MaxAttachments),
        LpmTrie(MapNames.Rules4, Size<Rule4Key>()),
        LpmTrie(MapNames.Rules6, Size<Rule6Key>()),
        MapSpec.Hash(MapNames.DnsEndpoints, Size<DnsEndpointKey>(), sizeof(uint), DatapathLimits.MaxDnsEndpoints),
        MapSpec.PerCpuArray(MapNames.Counters, sizeof(ulong), DatapathLimits.MaxCounters),
    ];

    /// <summary>Opens the maps pinned in <paramref name="pinDirectory"/>, creating and pinning those that are missing.</summary>
    public static SharedMaps OpenOrCreate(string pinDirectory = DefaultPinDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(pinDirectory);
        Directory.CreateDirectory(pinDirectory);
        var opened = new List<BpfMap>();
        var created = new List<string>();
        try
        {
            foreach (var spec in Specs)
                opened.Add(OpenOrCreate(pinDirectory, spec, created));
            return new SharedMaps(pinDirectory,
                new BpfMap<AttachmentKey, AttachmentValue>(opened[0]),
                new BpfMap<Rule4Key, RuleValue>(opened[1]),
                new BpfMap<Rule6Key, RuleValue>(opened[2]),
                new BpfMap<DnsEndpointKey, uint>(opened[3]),
                new PerCpuBpfMap<uint, ulong>(opened[4]),
                adopted: created.Count == 0);
        }
        catch
        {
            foreach (var map in opened) map.Dispose();
            foreach (var pin in created) ObjectPin.Unpin(pin);
            throw;
        }
    }

    /// <summary>Removes the pins (the maps live on while programs use them).</summary>
    public static void Unpin(string pinDirectory)
    {
        foreach (var spec in Specs)
            ObjectPin.Unpin(Path.Combine(pinDirectory, spec.Name));
    }

    private static BpfMap OpenOrCreate(string directory, MapSpec spec, List<string> created)
    {
        var path = Path.Combine(directory, spec.Name);
        if (File.Exists(path))
        {
            var pinned = ObjectPin.OpenMap(path);
            var info = ObjectInfo.Map(pinned.Fd);
            if (info.Type != spec.Type || info.KeySize != spec.KeySize || info.ValueSize != spec.ValueSize
                || info.MaxEntries != spec.MaxEntries || info.Flags != spec.Flags)
            {
                pinned.Dispose();
                throw new InvalidOperationException(
                    $"the map pinned at {path} ({info.Type}, key {info.KeySize}, value {info.ValueSize}, max {info.MaxEntries}, flags {info.Flags}) " +
                    $"does not have the datapath's layout ({spec.Type}, key {spec.KeySize}, value {spec.ValueSize}, max {spec.MaxEntries}, flags {spec.Flags}); " +
                    "it was made by another version: migrate or remove it");
            }
            return BpfMap.FromFd(pinned.Fd, spec);
        }

        var map = BpfMap.Create(spec);
        try
        {
            ObjectPin.Pin(map, path);
        }
        catch
        {
            map.Dispose();
            throw;
        }
        created.Add(path);
        return map;
    }

    private static MapSpec LpmTrie(string name, uint keySize) => new()
    {
        Name = name,
        Type = MapType.LpmTrie,
        KeySize = keySize,
        ValueSize = Size<RuleValue>(),
        MaxEntries = DatapathLimits.MaxRules,
        Flags = MapFlags.NoPrealloc,
    };

    private static uint Size<T>() where T : unmanaged => (uint)Unsafe.SizeOf<T>();

    /// <inheritdoc />
    public void Dispose()
    {
        Attachments.Dispose();
        Rules4.Dispose();
        Rules6.Dispose();
        DnsEndpoints.Dispose();
        Counters.Dispose();
        _gracePeriod?.Dispose();
    }
}
