using System.Collections.Concurrent;
using System.Net;
using Netfence.Daemon.Attachments;
using Netfence.Datapath;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Tests.Daemon;

/// <summary>The kernel side recorded in memory: what each attachment would enforce.</summary>
sealed class FakeDatapath : IDatapath
{
    public ConcurrentDictionary<string, RuleSet> Attached { get; } = new();
    public ConcurrentDictionary<ResolvedTarget, RuleSet> Rules { get; } = new();
    public ConcurrentDictionary<(ResolvedTarget, IPAddress), DateTimeOffset> Learned { get; } = new();
    public int RemoveEverythingCalls;

    public void Attach(string id, ResolvedTarget target, RuleSet initial, IPEndPoint dns)
    {
        Attached[id] = initial;
        Rules[target] = initial;
    }

    public RuleSetSwapTimings Apply(ResolvedTarget target, RuleSet rules, IPEndPoint dns)
    {
        if (!Rules.ContainsKey(target)) throw new KeyNotFoundException($"{target} is not attached");
        Rules[target] = rules;
        return new RuleSetSwapTimings(rules.AllowCidrs.Length + rules.DenyCidrs.Length, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
    }

    public void Learn(ResolvedTarget target, IReadOnlyList<LearnedIp> entries)
    {
        if (!Rules.ContainsKey(target)) throw new KeyNotFoundException($"{target} is not attached");
        foreach (var e in entries) Learned[(target, e.Address)] = e.ExpiresAt;
    }

    public void Forget(ResolvedTarget target, IReadOnlyList<IPAddress> addresses)
    {
        foreach (var a in addresses) Learned.TryRemove((target, a), out _);
    }

    public void Remove(string id, ResolvedTarget target)
    {
        Attached.TryRemove(id, out _);
        Rules.TryRemove(target, out _);
    }

    public (ulong Allowed, ulong Blocked) Counters(ResolvedTarget target) => (0, 0);

    public DatapathRestore Restore(IReadOnlyList<RestoredAttachment> live)
    {
        foreach (var a in live)
        {
            Attached[a.Id] = a.Rules;
            Rules[a.Target] = a.Rules;
        }
        return new DatapathRestore([.. live.Select(l => l.Id)], [], 0);
    }

    public void RemoveEverything()
    {
        Interlocked.Increment(ref RemoveEverythingCalls);
        Attached.Clear();
        Rules.Clear();
    }

    public void Dispose()
    {
    }
}
