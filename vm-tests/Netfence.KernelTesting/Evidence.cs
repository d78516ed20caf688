using Netfence.Sandbox;
using Netfence.Sandbox.Lab;
using Xunit;

namespace Netfence.KernelTesting;

/// <summary>
/// What the far end saw, for the suites that drive a real netfenced in the lab (attacks, workloads): the recording
/// servers and the zone's query log. "Blocked" is only ever claimed from the far end's silence.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class Evidence
{
    /// <summary>
    /// How long a packet that got through may still be on its way. A negative can only be observed by waiting; every
    /// test's control first proves the path, so this can be short (scaled under emulation, see <see cref="Slowness"/>).
    /// </summary>
    static readonly TimeSpan InFlight = Slowness.Scale(TimeSpan.FromMilliseconds(1500));

    static readonly TimeSpan Arrival = Slowness.Scale(TimeSpan.FromSeconds(5));

    static int _next;

    /// <summary>A token no other attempt carries.</summary>
    public static string Token() => $"{UniqueName.Next()}-{Interlocked.Increment(ref _next)}";

    /// <summary>Asserts that a server behind <paramref name="saw"/> got <paramref name="token"/> (within a deadline: fire-and-forget programs return first).</summary>
    public static void AssertReached(Func<string, bool> saw, string token, string what) =>
        Assert.True(Poll.Until(() => saw(token), Arrival), $"{what}: the server never got it, so this test proves nothing");

    /// <summary>Asserts that no server behind <paramref name="saw"/> got <paramref name="token"/>, waiting out anything in flight.</summary>
    public static void AssertNeverReached(Func<string, bool> saw, string token, string what) =>
        Assert.False(Poll.Until(() => saw(token), InFlight), $"{what}: got through to the server");

    /// <summary><see cref="AssertReached(Func{string, bool}, string, string)"/> for the local internet's recording servers.</summary>
    public static void AssertReached(LocalInternet internet, string token, string what) => AssertReached(internet.Servers.Saw, token, what);

    /// <summary><see cref="AssertNeverReached(Func{string, bool}, string, string)"/> for the local internet's recording servers.</summary>
    public static void AssertNeverReached(LocalInternet internet, string token, string what) => AssertNeverReached(internet.Servers.Saw, token, what);

    /// <summary>Asserts that the zone was never asked about a name containing <paramref name="token"/>.</summary>
    public static void AssertUpstreamNeverAsked(LocalInternet internet, string token, string what) =>
        Assert.False(UpstreamAsked(internet, token), $"{what}: the upstream was asked about it");

    /// <summary>Whether the zone was asked about a name containing <paramref name="token"/>.</summary>
    public static bool UpstreamAsked(LocalInternet internet, string token) =>
        internet.Dns.QueriedNames().Any(n => n.Contains(token, StringComparison.OrdinalIgnoreCase));
}
