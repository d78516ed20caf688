namespace Netfence.Daemon.Targets;

/// <summary>Settings of a <see cref="TargetWatcher"/>.</summary>
public sealed record TargetWatcherOptions
{
    /// <summary>
    /// The receive buffer asked for the link notification socket (the kernel doubles it). The default holds the
    /// notifications of several thousand devices deleted at once; a burst beyond it is not lost but costs a link dump.
    /// </summary>
    public const int DefaultLinkNotificationBufferBytes = 8 * 1024 * 1024;

    /// <summary>
    /// The network namespace whose interfaces are watched (a path such as <c>/var/run/netns/NAME</c>), or null for
    /// the daemon's own, where VM taps and host-side veths live.
    /// </summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>See <see cref="DefaultLinkNotificationBufferBytes"/>.</summary>
    public int LinkNotificationBufferBytes { get; init; } = DefaultLinkNotificationBufferBytes;
}
