using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Netfence.Bpf.Maps;
using Netfence.Programs.Layout;

namespace Netfence.Datapath;

public sealed partial class RuleSetWriter
{
    // Rule sets no attachment entry points at any more. A program that read the entry just before it changed can
    // still be looking one up, so a retired set is cleared only after a grace period (every program running at the
    // change has returned), never at the change itself: clearing it at once dropped allowed flows mid-swap.
    private readonly List<RetiredSet> _retired = [];

    /// <summary>Rule sets waiting for a grace period before they are cleared (0 after every public call returns normally).</summary>
    public int RetiredSets => _retired.Count;

    // Keys are known for sets this process wrote; null keys mean "unknown contents: find them by scanning".
    private void Retire(uint ruleSet, IEnumerable<IPNetwork>? networks)
    {
        if (networks is null)
        {
            _retired.Add(new RetiredSet(ruleSet, null, null));
            return;
        }
        var keys4 = new List<Rule4Key>();
        var keys6 = new List<Rule6Key>();
        foreach (var network in networks)
        {
            if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork) keys4.Add(RuleKeys.Key4(ruleSet, network));
            else keys6.Add(RuleKeys.Key6(ruleSet, network));
        }
        _retired.Add(new RetiredSet(ruleSet, [.. keys4], [.. keys6]));
    }

    private void Retire(uint ruleSet, Rule4Key[] keys4, Rule6Key[] keys6) => _retired.Add(new RetiredSet(ruleSet, keys4, keys6));

    private bool IsRetired(uint ruleSet) => _retired.Any(r => r.RuleSet == ruleSet);

    // One grace period covers every set retired so far; then each is deleted in batches. A set whose contents are
    // unknown costs one scan of the tries, shared by all such sets. On an exception the sets stay retired and the
    // next reclaim deletes what is left (deleting tolerates keys already gone).
    private ReclaimTimings ReclaimRetired()
    {
        if (_retired.Count == 0) return default;
        long started = Stopwatch.GetTimestamp();
        _gracePeriod.Wait();
        long waited = Stopwatch.GetTimestamp();
        var unknown = _retired.Where(r => r.Keys4 is null).Select(r => r.RuleSet).ToHashSet();
        if (unknown.Count > 0)
        {
            DeleteBatches(_maps.Rules4, [.. _maps.Rules4.LookupBatch().Select(e => e.Key).Where(k => unknown.Contains(k.RuleSet))]);
            DeleteBatches(_maps.Rules6, [.. _maps.Rules6.LookupBatch().Select(e => e.Key).Where(k => unknown.Contains(k.RuleSet))]);
        }
        foreach (var set in _retired.Where(r => r.Keys4 is not null))
        {
            DeleteBatches(_maps.Rules4, set.Keys4!);
            DeleteBatches(_maps.Rules6, set.Keys6!);
        }
        _retired.Clear();
        return new ReclaimTimings(Stopwatch.GetElapsedTime(started, waited), Stopwatch.GetElapsedTime(waited));
    }

    // What a reclaim spent waiting for the grace period and deleting, summed over the reclaims of one swap.
    private readonly record struct ReclaimTimings(TimeSpan GraceWait, TimeSpan Clear)
    {
        public static ReclaimTimings operator +(ReclaimTimings a, ReclaimTimings b) => new(a.GraceWait + b.GraceWait, a.Clear + b.Clear);
    }

    // BPF_MAP_DELETE_BATCH (LPM tries have it: generic_map_delete_batch) stops at the first missing key; a chunk that
    // hits one is finished key by key, skipping keys already gone.
    private static void DeleteBatches<TKey>(BpfMap<TKey, RuleValue> map, TKey[] keys) where TKey : unmanaged
    {
        for (int i = 0; i < keys.Length; i += DeleteBatchSize)
        {
            var chunk = keys.AsSpan(i, Math.Min(DeleteBatchSize, keys.Length - i));
            try
            {
                map.DeleteBatch(chunk);
            }
            catch (MapKeyNotFoundException)
            {
                foreach (var key in chunk) map.Delete(key);
            }
        }
    }

    private sealed record RetiredSet(uint RuleSet, Rule4Key[]? Keys4, Rule6Key[]? Keys6);
}
