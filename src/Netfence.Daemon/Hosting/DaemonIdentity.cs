using System.Reflection;

namespace Netfence.Daemon.Hosting;

/// <summary>What GetStatus reports about this daemon besides its id.</summary>
sealed record DaemonIdentity(string Version, string Hostname)
{
    public static string ThisVersion =>
        typeof(DaemonIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(DaemonIdentity).Assembly.GetName().Version?.ToString() ?? "unknown";
}
