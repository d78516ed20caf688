namespace Netfence.Bpf.Compiler.DiffTests.MapState;

/// <summary>Seeds of array-like maps: values at chosen indexes, zero everywhere else.</summary>
public static class IndexedSeeds
{
    /// <summary>The seeded value of <paramref name="index"/> (the last one listed wins), or zero.</summary>
    public static TValue ValueAt<TValue>(IReadOnlyList<(uint Index, TValue Value)> seeds, uint index) where TValue : unmanaged =>
        seeds.Where(s => s.Index == index).Select(s => s.Value).LastOrDefault();
}
