using System.Security.Cryptography;

namespace Netfence.Dns.Upstream;

/// <summary>
/// Unpredictable upstream query ids (with the source port, what stands between a spoofer and an accepted answer).
/// Drawn from the system's CSPRNG a few hundred at a time per thread: one call per id cost about a microsecond
/// (OpenSSL's DRBG behind <see cref="RandomNumberGenerator"/>), a sizeable share of a forwarded query. The ids stay
/// as unpredictable; they are only fetched in bulk.
/// </summary>
static class QueryIds
{
    const int Batch = 256;

    [ThreadStatic] static ushort[]? t_ids;
    [ThreadStatic] static int t_next;

    public static ushort Next()
    {
        var ids = t_ids ??= new ushort[Batch];
        if (t_next == 0) RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan()));
        ushort id = ids[t_next];
        t_next = (t_next + 1) % Batch;
        return id;
    }
}
