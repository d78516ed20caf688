using Netfence.Bpf.Netlink;

namespace Netfence.Daemon.Targets.Interfaces;

/// <summary>
/// Notices watched interfaces leaving the network namespace — deleted, or moved to another namespace, which for an
/// attachment here is the same — from RTNLGRP_LINK notifications, read by one thread for every interface. When the
/// notification socket overruns under a burst (ENOBUFS), the notifications in between are lost, so a link dump
/// decides: every watched ifindex it no longer lists is reported.
/// </summary>
internal sealed class InterfaceWatcher : IDisposable
{
    readonly Lock _lock = new();
    readonly WatchedInterfaces _watched = new();
    readonly NetlinkSubscription _notifications;
    // For existence checks and resynchronising dumps; used only under _lock (a NetlinkSocket is not thread-safe).
    readonly NetlinkSocket _requests;
    readonly Action<TargetRemoved> _report;
    readonly ReaderLoop _reader;
    long _resyncs;

    public InterfaceWatcher(string? namespacePath, int notificationBufferBytes, Action<TargetRemoved> report, Action<Exception> fail)
    {
        _report = report;
        // Subscribed before any Watch checks that its device exists, so a deletion right after the check is heard.
        _notifications = NetlinkSubscription.Open([RouteNetlinkGroup.Link], notificationBufferBytes, namespacePath);
        try
        {
            _requests = NetlinkSocket.Open(namespacePath);
            _reader = new ReaderLoop("netfence link watcher", _notifications.Fd, Drain, fail);
        }
        catch
        {
            _requests?.Dispose();
            _notifications.Dispose();
            throw;
        }
    }

    /// <summary>How many times an overrun made the watcher resynchronise from a link dump.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>The receive buffer the kernel granted the notification socket.</summary>
    public int NotificationBufferBytes => _notifications.ReceiveBufferBytes;

    /// <summary>
    /// For tests: keeps the reader from handling notifications (it waits for the lock) until the result is disposed,
    /// on the same thread, so that a burst overruns the socket for certain instead of by a race with the reader.
    /// </summary>
    internal IDisposable HoldReader()
    {
        _lock.Enter();
        return new Release(_lock);
    }

    sealed class Release(Lock held) : IDisposable
    {
        public void Dispose() => held.Exit();
    }

    public void Watch(WatchedTarget.Interface target)
    {
        lock (_lock)
        {
            if (!_watched.Add(target)) return;
            try
            {
                if (_requests.TryGetLink(target.Ifindex) is not null) return;
            }
            catch
            {
                _watched.Remove(target);
                throw;
            }
            _watched.Remove(target);
            _report(new TargetRemoved(target, "no device had this ifindex when watching began"));
        }
    }

    public void Unwatch(WatchedTarget.Interface target)
    {
        lock (_lock) _watched.Remove(target);
    }

    void Drain()
    {
        bool overrun = false;
        while (true)
        {
            switch (_notifications.TryReceive(out var messages))
            {
                case NetlinkSubscriptionRead.Nothing:
                    if (!overrun) return;
                    // Only now, with the queue empty, does the kernel clear the socket's congested state: until then
                    // it drops every notification and signals none of those losses (ENOBUFS comes once per
                    // congestion). A dump taken before the backlog is read would miss what was dropped meanwhile;
                    // one taken now covers it, and any later loss raises a new ENOBUFS.
                    overrun = false;
                    Resync();
                    break;
                case NetlinkSubscriptionRead.Overrun:
                    overrun = true;
                    break;
                case NetlinkSubscriptionRead.Messages:
                    lock (_lock)
                        foreach (var message in messages)
                            if (LinkMessage.TryRead(message) is { LeftNamespace: true } link)
                                foreach (var target in _watched.Take(link.Index))
                                    _report(new TargetRemoved(target, Describe(link)));
                    break;
            }
        }
    }

    void Resync()
    {
        Interlocked.Increment(ref _resyncs);
        lock (_lock)
        {
            if (_watched.Count == 0) return;
            var present = _requests.ListLinks().Select(l => l.Index).ToHashSet();
            foreach (var target in _watched.TakeAbsent(present))
                _report(new TargetRemoved(target, "the notification socket overran (ENOBUFS) and a link dump no longer lists this ifindex"));
        }
    }

    static string Describe(LinkMessage link) => link.MovedToOtherNamespace
        ? $"RTM_DELLINK: the device moved to another network namespace (netns id {link.NewNetnsId}{(link.NewIndex is { } i ? $", ifindex {i} there" : "")})"
        : "RTM_DELLINK: the device was deleted";

    public void Dispose()
    {
        _reader.Dispose();
        _requests.Dispose();
        _notifications.Dispose();
    }
}
