using Netfence.Bpf.Syscalls;
using Netfence.Daemon.Targets;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// netfenced's target watcher: one <see cref="TargetWatcher"/> (rtnetlink for interfaces, inotify for cgroups) for
/// every attachment. The attachment manager watches each target on attach and adoption, unwatches it on detach, and
/// ends the attachment (reported REMOVED) when its target vanishes.
/// </summary>
static class TargetWatcherWiring
{
    /// <exception cref="StartupException">The notification sockets cannot be opened.</exception>
    public static ITargetWatcher Create()
    {
        try
        {
            return new TargetWatcher();
        }
        catch (Exception e) when (e is BpfException or IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"the target watcher cannot start (it needs rtnetlink and inotify, as root): {e.Message}", e);
        }
    }
}
