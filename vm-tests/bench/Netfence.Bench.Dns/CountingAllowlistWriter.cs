using System.Net;
using Netfence.Dns.Learning;
using Netfence.Policy.Rules;

namespace Netfence.Bench.Dns;

/// <summary>
/// The allowlist writer of the benchmark: it only counts. The kernel map write (one bpf() batch update, a few µs) is
/// the daemon's and is measured with the datapath; this benchmark measures the DNS server in front of it.
/// </summary>
internal sealed class CountingAllowlistWriter : IAllowlistWriter
{
    long _writes;

    public long Writes => Interlocked.Read(ref _writes);

    public ValueTask<AllowlistWriteResult> WriteAsync(string attachmentId, IReadOnlyList<LearnedIp> entries, IReadOnlyList<LearnedIp> taught, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        return ValueTask.FromResult(AllowlistWriteResult.Ok);
    }

    public ValueTask<AllowlistWriteResult> RemoveAsync(string attachmentId, IReadOnlyList<IPAddress> addresses, IReadOnlyList<LearnedIp> withdrawn, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AllowlistWriteResult.Ok);
}
