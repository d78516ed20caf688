using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;

namespace Netfence.Bpf.Elf;

/// <summary>The maps and programs of a loaded object. Disposing closes every fd (pins keep their objects).</summary>
public sealed class Collection : IDisposable
{
    internal Collection(IReadOnlyDictionary<string, BpfMap> maps, IReadOnlyDictionary<string, BpfProgram> programs, IReadOnlyList<string> createdPins)
    {
        Maps = maps;
        Programs = programs;
        CreatedPins = createdPins;
    }

    /// <summary>Maps by name (data sections by section name, e.g. <c>.rodata</c>).</summary>
    public IReadOnlyDictionary<string, BpfMap> Maps { get; }

    /// <summary>Programs by function name.</summary>
    public IReadOnlyDictionary<string, BpfProgram> Programs { get; }

    /// <summary>Pins this load created (as opposed to pins it found and reused).</summary>
    public IReadOnlyList<string> CreatedPins { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var p in Programs.Values) p.Dispose();
        foreach (var m in Maps.Values) m.Dispose();
    }
}
