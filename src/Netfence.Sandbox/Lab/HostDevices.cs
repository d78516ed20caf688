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
}
