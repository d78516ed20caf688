using System.Net;
using System.Runtime.Versioning;

namespace Netfence.Sandbox.Lab;

/// <summary>Network devices in the host's namespace that a lab made.</summary>
[SupportedOSPlatform("linux")]
static class HostDevices
{
    /// <summary>
    /// Deletes <paramref name="device"/> if it still exists: deleting a namespace takes its veth pairs with it, but the
    /// kernel may still be tearing one down, and a missing device is what we want.
    /// </summary>
    public static void DeleteIfPresent(string device)
    {
        var deleted = Command.Try("ip", "link", "del", device);
        if (deleted.ExitCode != 0 && !deleted.StdErr.Contains("Cannot find device", StringComparison.Ordinal))
            throw new InvalidOperationException($"removing {device} failed: {deleted.StdErr.Trim()}");
    }

    /// <summary>
    /// A routed link from the host into <paramref name="ns"/>: a veth pair <paramref name="hostDevice"/> (host) and
    /// <paramref name="inside"/> (in the namespace) on a /30, both up, the namespace's default route via the host end,
    /// and IPv4 forwarding switched on for the host end only (forwarding is decided per input device, so the host routes
    /// what arrives here without becoming a router everywhere).
    /// </summary>
    public static void CreateRoutedVeth(string hostDevice, IPAddress hostAddress, SandboxNamespace ns, string inside, IPAddress insideAddress)
    {
        Command.Run("ip", "link", "add", hostDevice, "type", "veth", "peer", "name", inside, "netns", ns.Name);
        Command.Run("ip", "addr", "add", $"{hostAddress}/30", "dev", hostDevice);
        Command.Run("ip", "link", "set", hostDevice, "up");
        File.WriteAllText($"/proc/sys/net/ipv4/conf/{hostDevice}/forwarding", "1");
        Command.Run("ip", "-n", ns.Name, "addr", "add", $"{insideAddress}/30", "dev", inside);
        Command.Run("ip", "-n", ns.Name, "link", "set", inside, "up");
        Command.Run("ip", "-n", ns.Name, "route", "add", "default", "via", hostAddress.ToString());
    }
}
