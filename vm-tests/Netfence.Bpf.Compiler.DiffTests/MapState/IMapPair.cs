namespace Netfence.Bpf.Compiler.DiffTests.MapState;

/// <summary>One map of the corpus in both worlds: the kernel map of the loaded object and the SDK's managed map.</summary>
public interface IMapPair
{
    /// <summary>The map's name (its field name, which is also its name in the object).</summary>
    string Name { get; }

    /// <summary>Whether the map goes back to its seeded state before every case (else state carries over).</summary>
    bool ResetEachCase { get; }

    /// <summary>Puts both sides into the same seeded state.</summary>
    void Reset();

    /// <summary>How the two sides' contents differ, or null when they are equal.</summary>
    string? Difference();
}
