using System.Runtime.InteropServices;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Sdk;
using KernelMap = Netfence.Bpf.Maps.BpfMap;

namespace Netfence.Bpf.Compiler.DiffTests.MapState;

/// <summary>
/// An LPM trie seeded with <paramref name="Seeds"/>. The kernel's trie is enumerated; the SDK's cannot be, so it is
/// probed: for each kernel prefix, and then over <paramref name="Universe"/>, every prefix the programs can create.
/// The probe empties the managed trie, so this map is always reset before each case. Entries are compared by identity (length and
/// prefix bits), since the kernel keeps the bits after the prefix as they were written.
/// </summary>
public sealed record LpmSetup<TKey, TValue>(string Field, IReadOnlyList<(TKey Key, TValue Value)> Seeds, IReadOnlyList<TKey> Universe)
    : MapSetup(Field, ResetEachCase: true) where TKey : unmanaged where TValue : unmanaged
{
    /// <inheritdoc />
    public override IMapPair Pair(object managed, KernelMap kernel, DeterministicBpfRuntime runtime) =>
        new LpmTrieMapPair<TKey, TValue>(this, (LpmTrieMap<TKey, TValue>)managed, new BpfMap<TKey, TValue>(kernel));

    /// <summary>Every prefix probed: the universe and the seeds.</summary>
    public IEnumerable<TKey> Probes => Universe.Concat(Seeds.Select(s => s.Key));

    /// <summary>A prefix's identity: its length and its first length bits, the rest cleared.</summary>
    public static string Identity(in TKey key)
    {
        var bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)).ToArray();
        var length = MemoryMarshal.Read<uint>(bytes);
        var data = bytes.AsSpan(sizeof(uint));
        for (var bit = (int)Math.Min(length, (uint)data.Length * 8); bit < data.Length * 8; bit++)
            data[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return $"/{length} {Convert.ToHexString(data)}";
    }
}

internal sealed class LpmTrieMapPair<TKey, TValue>(LpmSetup<TKey, TValue> setup, LpmTrieMap<TKey, TValue> managed, BpfMap<TKey, TValue> kernel)
    : IMapPair where TKey : unmanaged where TValue : unmanaged
{
    public string Name => setup.Field;

    public bool ResetEachCase => true;

    public void Reset()
    {
        foreach (var key in setup.Probes)
            managed.Delete(key);
        foreach (var key in kernel.Keys().ToList())
            kernel.Delete(key);
        foreach (var (key, value) in setup.Seeds)
        {
            managed.Update(key, value);
            kernel.Update(key, value);
        }
    }

    public string? Difference()
    {
        var kernelEntries = kernel.Entries().ToDictionary(e => LpmSetup<TKey, TValue>.Identity(e.Key), e => Bytes.Hex(e.Value));
        var managedEntries = new Dictionary<string, string>();
        // The kernel's prefixes first: a lookup with the prefix's own length returns the prefix itself when .NET has
        // it, and the delete confirms it was that exact prefix. Whatever .NET still holds afterwards is extra; a
        // delete per universe prefix finds it (its value is gone with it, so it is reported as present).
        foreach (var (key, _) in kernel.Entries())
        {
            if (managed.TryLookup(key, out var value) && managed.Delete(key) == 0)
                managedEntries[LpmSetup<TKey, TValue>.Identity(key)] = Bytes.Hex(value);
        }
        foreach (var key in setup.Probes)
        {
            if (managed.Delete(key) == 0)
                managedEntries[LpmSetup<TKey, TValue>.Identity(key)] = "present";
        }
        return Bytes.Compare(Name, kernelEntries, managedEntries);
    }
}
