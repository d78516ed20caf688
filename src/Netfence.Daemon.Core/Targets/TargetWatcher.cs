using System.Threading.Channels;
using Netfence.Daemon.Targets.Cgroups;
using Netfence.Daemon.Targets.Interfaces;

namespace Netfence.Daemon.Targets;

/// <summary>
/// The kernel-backed <see cref="ITargetWatcher"/>: interfaces through rtnetlink link notifications, cgroups through
/// inotify on their parent directories. Two reader threads in all, however many targets. Thread-safe.
/// <para>
/// Watching is by identity and idempotent: watching an equal target twice watches it once, and one
/// <see cref="Unwatch"/> ends it. A removal is reported once and the target is then forgotten, so a device or cgroup
/// that later takes the same ifindex or path is not the watched one.
/// </para>
/// <para>
/// If a reader fails (a kernel call answers an error it cannot recover from), removals can no longer be promised:
/// <see cref="Removals"/> completes with that error and <see cref="Watch"/> throws it, rather than the watcher going
/// quiet.
/// </para>
/// </summary>
public sealed class TargetWatcher : ITargetWatcher
{
    readonly Channel<TargetRemoved> _removals = Channel.CreateUnbounded<TargetRemoved>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    readonly InterfaceWatcher _interfaces;
    readonly CgroupWatcher _cgroups;
    volatile Exception? _failure;
    int _disposed;

    /// <summary>Opens the notification sockets and starts the two readers.</summary>
    public TargetWatcher(TargetWatcherOptions? options = null)
    {
        options ??= new TargetWatcherOptions();
        _interfaces = new InterfaceWatcher(options.NetworkNamespacePath, options.LinkNotificationBufferBytes, Report, Fail);
        try
        {
            _cgroups = new CgroupWatcher(Report, Fail);
        }
        catch
        {
            _interfaces.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ChannelReader<TargetRemoved> Removals => _removals.Reader;

    /// <summary>How many times the link notification socket overran and the watcher resynchronised from a link dump.</summary>
    public long InterfaceResyncs => _interfaces.Resyncs;

    /// <summary>How many times the inotify queue overflowed and every watched cgroup was checked again.</summary>
    public long CgroupResyncs => _cgroups.Resyncs;

    /// <summary>The receive buffer the kernel granted the link notification socket.</summary>
    public int LinkNotificationBufferBytes => _interfaces.NotificationBufferBytes;

    /// <summary>The inotify watches in use: one per distinct parent directory of the watched cgroups.</summary>
    public int CgroupParentWatches => _cgroups.ParentWatches;

    /// <summary>For tests: see <see cref="InterfaceWatcher.HoldReader"/>.</summary>
    internal IDisposable HoldInterfaceReader() => _interfaces.HoldReader();

    /// <inheritdoc />
    public void Watch(WatchedTarget target)
    {
        ThrowIfUnusable();
        switch (target)
        {
            case WatchedTarget.Interface i: _interfaces.Watch(i); break;
            case WatchedTarget.Cgroup c: _cgroups.Watch(c); break;
            default: throw new ArgumentException($"unknown target kind {target.GetType().Name}", nameof(target));
        }
    }

    /// <inheritdoc />
    public void Unwatch(WatchedTarget target)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        switch (target)
        {
            case WatchedTarget.Interface i: _interfaces.Unwatch(i); break;
            case WatchedTarget.Cgroup c: _cgroups.Unwatch(c); break;
            default: throw new ArgumentException($"unknown target kind {target.GetType().Name}", nameof(target));
        }
    }

    void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_failure is { } failure) throw new InvalidOperationException($"the target watcher stopped: {failure.Message}", failure);
    }

    // Called under a reader's or a Watch's lock, so removals enter the channel in the order they were decided.
    // The channel runs its readers' continuations elsewhere, never on this thread inside the lock.
    void Report(TargetRemoved removal) => _removals.Writer.TryWrite(removal);

    void Fail(Exception e)
    {
        _failure = e;
        _removals.Writer.TryComplete(new InvalidOperationException($"the target watcher stopped, so removals are no longer reported: {e.Message}", e));
    }

    /// <summary>Stops both readers, closes their descriptors and completes <see cref="Removals"/>.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
        try
        {
            _interfaces.Dispose();
        }
        finally
        {
            _cgroups.Dispose();
            _removals.Writer.TryComplete();
        }
        return ValueTask.CompletedTask;
    }
}
