using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Info;

/// <summary>What the kernel reports about a map.</summary>
public sealed record MapInfo(uint Id, MapType Type, string Name, uint KeySize, uint ValueSize, uint MaxEntries, MapFlags Flags, uint BtfId);
