using System.Threading.Channels;

namespace Netfence.Daemon.Targets;

/// <summary>
/// One watcher for every attachment's target (not one per target): reports interfaces and cgroups that disappear,
/// with no loss under a burst of removals.
/// </summary>
public interface ITargetWatcher : IAsyncDisposable
{
    /// <summary>Starts watching <paramref name="target"/>. A target that is already gone is reported at once.</summary>
    void Watch(WatchedTarget target);

    /// <summary>Stops watching (the attachment ended for another reason); a removal is no longer reported.</summary>
    void Unwatch(WatchedTarget target);

    /// <summary>Removals, each reported once, in the order they were noticed.</summary>
    ChannelReader<TargetRemoved> Removals { get; }
}
