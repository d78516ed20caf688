using Microsoft.Extensions.Logging;
using Netfence.Daemon.Targets;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// Where netfenced gets its target watcher. The rtnetlink/cgroup watcher (ITargetWatcher, in
/// Netfence.Daemon.Core/Targets) is being written on another branch; until it is merged, netfenced says at start
/// that removed targets are found only when it restarts (the restart reconciliation removes and reports them).
/// The merge replaces the warning with the watcher's construction.
/// </summary>
static class TargetWatcherWiring
{
    public static ITargetWatcher? Create(ILoggerFactory loggers)
    {
        loggers.CreateLogger("netfenced").LogWarning(
            "this build has no target watcher: attachments whose interface or cgroup disappears are removed (and reported) at the next start of netfenced, not at once");
        return null;
    }
}
