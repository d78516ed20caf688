using System.Collections.Concurrent;
using System.Net;
using Netfence.Dns.Learning;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Tests.Support;

/// <summary>
/// A kernel allowlist in memory, and a mirror of the teachings as netfenced's store keeps them. It records every call
/// in order, can fail with a chosen failure, and can hold writes at a gate so a test can observe that the DNS answer
/// waits for the write.
/// </summary>
sealed class FakeAllowlistWriter : IAllowlistWriter
{
    readonly Lock _lock = new();
    readonly Dictionary<IPAddress, LearnedIp> _map = [];
    // Keyed as the store's rows: address, question, aliases; the later expiry wins.
    readonly Dictionary<(IPAddress, string, string), LearnedIp> _taught = [];
    public ConcurrentQueue<string> Calls { get; } = new();
    public AllowlistFailure FailWith { get; set; }
    public TaskCompletionSource? Gate { get; set; }
    int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public IReadOnlyDictionary<IPAddress, LearnedIp> Map
    {
        get { lock (_lock) return new Dictionary<IPAddress, LearnedIp>(_map); }
    }

    /// <summary>The teachings recorded and not forgotten, as the store would hold them.</summary>
    public IReadOnlyCollection<LearnedIp> Taught
    {
        get { lock (_lock) return [.. _taught.Values]; }
    }

    static (IPAddress, string, string) Key(LearnedIp l) => (l.Address, l.Domain, string.Join(" ", l.Aliases));

    public async ValueTask<AllowlistWriteResult> WriteAsync(string attachmentId, IReadOnlyList<LearnedIp> entries, IReadOnlyList<LearnedIp> taught, CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            Interlocked.Increment(ref _waiting);
            await gate.Task.WaitAsync(cancellationToken);
        }
        if (FailWith != AllowlistFailure.None) return AllowlistWriteResult.Failed(FailWith, "test");
        lock (_lock)
        {
            foreach (var entry in entries) _map[entry.Address] = entry;
            foreach (var teaching in taught)
            {
                if (!_taught.TryGetValue(Key(teaching), out var known) || known.ExpiresAt < teaching.ExpiresAt) _taught[Key(teaching)] = teaching;
            }
        }
        Calls.Enqueue($"write {string.Join(",", entries.Select(e => e.Address))}");
        return AllowlistWriteResult.Ok;
    }

    public ValueTask<AllowlistWriteResult> RemoveAsync(string attachmentId, IReadOnlyList<IPAddress> addresses, IReadOnlyList<LearnedIp> withdrawn, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var address in addresses) _map.Remove(address);
            foreach (var key in _taught.Keys.Where(k => addresses.Contains(k.Item1)).ToList()) _taught.Remove(key);
            foreach (var teaching in withdrawn) _taught.Remove(Key(teaching));
        }
        if (addresses.Count > 0) Calls.Enqueue($"remove {string.Join(",", addresses)}");
        if (withdrawn.Count > 0) Calls.Enqueue($"withdraw {string.Join(",", withdrawn.Select(w => $"{w.Address} {string.Join(" → ", [w.Domain, .. w.Aliases])}"))}");
        return ValueTask.FromResult(AllowlistWriteResult.Ok);
    }
}
