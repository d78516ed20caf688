namespace Netfence.Demo.Product;

/// <summary>The demo's local internet: last octets in the lab's internet prefix, and their names in the zone.</summary>
static class DemoHosts
{
    public const string Domain = "example";
    public const int Allowed = 10, Api = 11, Denied = 20, Evil = 30, Partner = 50;

    public static IReadOnlyDictionary<int, string?> All { get; } = new Dictionary<int, string?>
    {
        [Allowed] = "allowed.example",
        [Api] = "api.allowed.example",
        [Denied] = "denied.example",
        [Evil] = "evil.example",
        [Partner] = null, // reachable only by address, through allow_cidrs
    };
}
