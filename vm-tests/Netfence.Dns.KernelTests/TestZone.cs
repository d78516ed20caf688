using Netfence.Dns.Tests.Support;

namespace Netfence.Dns.KernelTests;

/// <summary>
/// One dnsmasq for the real-client tests: the unit tests' zone plus what glibc and the size tests need —
/// AAAA records for allowed.test (getent asks for both families), many.test with 48 AAAA records (1,386 octets:
/// more than a 1,232-octet UDP answer holds) and mid.test with 20 (597 octets: more than 512, so it fits in UDP
/// only when the client's EDNS0 buffer size reaches the upstream).
/// </summary>
public sealed class TestZone : IDisposable
{
    public const int ManyCount = 48;
    public const int MidCount = 20;

    internal Dnsmasq Upstream { get; } = new(Records());

    static IEnumerable<string> Records()
    {
        yield return "--address=/allowed.test/2001:db8::10";
        yield return "--host-record=many.test,192.0.2.30";
        for (int i = 1; i <= ManyCount; i++) yield return $"--host-record=many.test,2001:db8::1:{i:x}";
        for (int i = 1; i <= MidCount; i++) yield return $"--host-record=mid.test,2001:db8::2:{i:x}";
    }

    public void Dispose() => Upstream.Dispose();
}

[CollectionDefinition("test zone")]
public sealed class TestZoneCollection : ICollectionFixture<TestZone>;
