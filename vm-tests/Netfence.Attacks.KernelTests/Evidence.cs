using Netfence.Sandbox;
using Netfence.Sandbox.Lab;

namespace Netfence.Attacks.KernelTests;

/// <summary>What the far end saw: the recording servers and the zone's query log.</summary>
static class Evidence
{
    /// <summary>
    /// How long a packet that got through may still be on its way. A negative can only be observed by waiting; every
    /// attack's control first proves the path, so this can be short.
    /// </summary>
    static readonly TimeSpan InFlight = TimeSpan.FromMilliseconds(1500);

    static int _next;

    /// <summary>A token no other attempt carries.</summary>
    public static string Token() => $"{UniqueName.Next()}-{Interlocked.Increment(ref _next)}";

    /// <summary>Asserts that the lab's servers got <paramref name="token"/> (within a deadline: fire-and-forget programs return first).</summary>
    public static void AssertReached(AttackLab lab, string token, string what) =>
        Assert.True(Poll.Until(() => lab.Saw(token), TimeSpan.FromSeconds(5)), $"{what}: the server never got it, so this test proves nothing");

    /// <summary>Asserts that no server of the lab got <paramref name="token"/>, waiting out anything in flight.</summary>
    public static void AssertNeverReached(AttackLab lab, string token, string what) =>
        Assert.False(Poll.Until(() => lab.Saw(token), InFlight), $"{what}: got through to the server");

    /// <summary>Asserts that the zone was never asked about a name containing <paramref name="token"/>.</summary>
    public static void AssertUpstreamNeverAsked(LocalInternet internet, string token, string what) =>
        Assert.False(UpstreamAsked(internet, token), $"{what}: the upstream was asked about it");

    /// <summary>Whether the zone was asked about a name containing <paramref name="token"/>.</summary>
    public static bool UpstreamAsked(LocalInternet internet, string token) =>
        internet.Dns.QueriedNames().Any(n => n.Contains(token, StringComparison.OrdinalIgnoreCase));
}
