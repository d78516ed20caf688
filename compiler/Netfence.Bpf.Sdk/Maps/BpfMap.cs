using System.Runtime.CompilerServices;

namespace Netfence.Bpf.Sdk;

/// <summary>
/// A map declaration. Programs declare maps as <c>static readonly</c> fields initialised with constant arguments;
/// the compiler reads the definition from the initializer, and in .NET the object is the map's managed storage.
/// </summary>
public abstract class BpfMap
{
    /// <summary>Validates and records the definition shared by every map type.</summary>
    private protected BpfMap(uint maxEntries, MapFlags flags, MapPinning pinning)
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxEntries);
        MaxEntries = maxEntries;
        Flags = flags;
        Pinning = pinning;
    }

    /// <summary>max_entries: entries for hash, array and trie maps, bytes for a ring buffer.</summary>
    public uint MaxEntries { get; }

    /// <summary>The map_flags the declaration asked for.</summary>
    public MapFlags Flags { get; }

    /// <summary>Whether the loader pins the map by name.</summary>
    public MapPinning Pinning { get; }

    /// <summary>
    /// True when <paramref name="value"/>, a reference a map's <c>Lookup</c> returned, is null: the key was absent.
    /// Every such reference must pass through this test before it is read, written or passed on (the analyzer and the
    /// compiler report NF0036 otherwise), because the kernel's verifier accepts an access through a map value pointer
    /// only on the path where the program compared it with zero.
    /// </summary>
    [NullReferenceTest]
    public static bool IsMissing<T>(ref readonly T value) where T : unmanaged => Unsafe.IsNullRef(in value);

    // Every element operation takes this lock: maps are static and programs may run on several test threads,
    // while the kernel's maps are safe for concurrent use too.
    private protected object Sync { get; } = new();

    private protected static long Error(int errno) => -errno;

    private protected static bool ValidFlags(UpdateFlag flags) => (ulong)flags <= (ulong)UpdateFlag.Exist;
}
