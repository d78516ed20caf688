using System.Collections.Concurrent;
using System.Net;
using Netfence.Dns.Learning;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Tests.Support;

/// <summary>
/// A kernel allowlist in memory. It records every call in order, can fail with a chosen failure, and
/// can hold writes at a gate so a test can observe that the DNS answer waits for the write.
/// </summary>
sealed class FakeAllowlistWriter : IAllowlistWriter
{
    readonly Lock _lock = new();
    readonly Dictionary<IPAddress, LearnedIp> _map = [];
    public ConcurrentQueue<string> Calls { get; } = new();
    public AllowlistFailure FailWith { get; set; }
    public TaskCompletionSource? Gate { get; set; }
    int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public IReadOnlyDictionary<IPAddress, LearnedIp> Map
    {
        get { lock (_lock) return new Dictionary<IPAddress, LearnedIp>(_map); }
    }

    public async ValueTask<AllowlistWriteResult> WriteAsync(string attachmentId, IReadOnlyList<LearnedIp> entries, CancellationToken cancellationToken)
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
        }
        Calls.Enqueue($"write {string.Join(",", entries.Select(e => e.Address))}");
        return AllowlistWriteResult.Ok;
    }

    public ValueTask<AllowlistWriteResult> RemoveAsync(string attachmentId, IReadOnlyList<IPAddress> addresses, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var address in addresses) _map.Remove(address);
        }
        Calls.Enqueue($"remove {string.Join(",", addresses)}");
        return ValueTask.FromResult(AllowlistWriteResult.Ok);
    }
}
