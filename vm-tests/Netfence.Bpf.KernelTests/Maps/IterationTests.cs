using Netfence.Bpf.Maps;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Maps;

public class IterationTests
{
    [KernelFact]
    public void Deleting_each_key_as_it_is_returned_still_visits_every_key_once()
    {
        using var map = BpfMap<uint, uint>.CreateHash(MapNames.Unique("i"), 256);
        var expected = Enumerable.Range(1, 200).Select(i => (uint)i).ToList();
        foreach (var k in expected) map.Update(k, k);

        var seen = new List<uint>();
        foreach (var key in map.Keys())
        {
            seen.Add(key);
            Assert.True(map.Delete(key));
        }
        Assert.Equal(expected, seen.Order());
        Assert.Empty(map.Keys());
    }

    [KernelFact]
    public void Deleting_the_cursor_under_the_walk_restarts_without_repeating_keys()
    {
        using var map = BpfMap<uint, uint>.CreateHash(MapNames.Unique("i"), 256);
        foreach (var k in Enumerable.Range(1, 100)) map.Update((uint)k, 0);

        // Delete the key after the one just returned: that is the walk's next cursor, so the
        // kernel restarts from the first key and the walk must skip what it already returned.
        var seen = new List<uint>();
        var raw = map.Raw;
        var next = new byte[4];
        foreach (var key in map.Keys())
        {
            seen.Add(key);
            if (seen.Count % 10 == 0 && raw.TryGetNextKey(BitConverter.GetBytes(key), next))
                raw.Delete(next);
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var remaining = map.Keys().ToHashSet();
        Assert.Subset(seen.ToHashSet(), remaining);
        Assert.Equal(remaining.Count, seen.Count(remaining.Contains));
    }

    [KernelFact]
    public void Entries_leave_out_keys_deleted_during_the_walk()
    {
        using var map = BpfMap<uint, uint>.CreateHash(MapNames.Unique("i"), 16);
        foreach (var k in Enumerable.Range(1, 10)) map.Update((uint)k, (uint)k * 10);
        var entries = new List<KeyValuePair<uint, uint>>();
        foreach (var entry in map.Entries())
        {
            entries.Add(entry);
            map.Delete(entry.Key);
        }
        Assert.Equal(10, entries.Count);
        Assert.All(entries, e => Assert.Equal(e.Key * 10, e.Value));
    }
}
