using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Netfence.Dns.EventLoops;

/// <summary>
/// One thread in <c>epoll_wait</c> over many UDP sockets, which it reads in batches (<c>recvmmsg</c>) and whose
/// datagrams it handles where it woke: a query the server can answer at once (a cache hit, a refusal) costs one
/// thread wake-up and no hand-off, as in dnsmasq. The runtime's socket engine would wake its own epoll thread and
/// then a pool worker for every datagram. Sockets given to a loop must only ever be used synchronously or through
/// the loop (never with the runtime's asynchronous socket calls, which would register them with its engine too).
/// </summary>
/// <remarks>
/// Level-triggered: a handler reads one batch per wake-up and the loop comes back to a socket that still has
/// datagrams after it served the others (fairness between attachments, pitfall 21). Periodic work (expiring
/// upstream queries) runs on the loop's thread at least every <see cref="TickMilliseconds"/> when any is registered.
/// </remarks>
internal sealed unsafe class EventLoop : IDisposable
{
    /// <summary>How often tick handlers run.</summary>
    public const int TickMilliseconds = 50;
    const int MaxEvents = 64;
    const ulong WakeId = 0;

    readonly int _epoll;
    readonly int _wake;
    readonly Thread _thread;
    readonly ILogger _logger;
    readonly ConcurrentDictionary<ulong, (SafeHandleRef Socket, IReadable Handler)> _handlers = new();
    readonly ConcurrentDictionary<Action<long>, bool> _ticks = new();
    long _nextId;
    volatile bool _stopped;

    /// <summary>The loop whose thread is running the caller, if any.</summary>
    [ThreadStatic] static EventLoop? t_current;

    /// <summary>The outbox of the loop whose thread is running the caller, if any.</summary>
    [ThreadStatic] static Outbox? t_outbox;

    public EventLoop(string name, ILogger logger)
    {
        _logger = logger;
        _epoll = Libc.EpollCreate1(Libc.EPOLL_CLOEXEC);
        if (_epoll < 0) throw new SocketException(Libc.LastError);
        _wake = Libc.EventFd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        if (_wake < 0)
        {
            int error = Libc.LastError;
            Libc.Close(_epoll);
            throw new SocketException(error);
        }
        Control(Libc.EPOLL_CTL_ADD, _wake, WakeId);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>The loop running the calling thread, or null on any other thread.</summary>
    public static EventLoop? Current => t_current;

    /// <summary>
    /// Where code running on a loop's thread queues datagrams: they leave in batches when the handler (or the periodic
    /// work) that queued them returns, before the loop waits again. Null on any other thread.
    /// </summary>
    public static Outbox? CurrentOutbox => t_outbox;

    /// <summary>Watches <paramref name="socket"/>; returns the registration to pass to <see cref="Remove"/>.</summary>
    public ulong Add(Socket socket, IReadable handler)
    {
        ulong id = (ulong)Interlocked.Increment(ref _nextId);
        var reference = new SafeHandleRef(socket.SafeHandle);
        _handlers[id] = (reference, handler);
        try
        {
            Control(Libc.EPOLL_CTL_ADD, reference.Fd, id);
        }
        catch
        {
            _handlers.TryRemove(id, out _);
            throw;
        }
        return id;
    }

    /// <summary>
    /// Stops watching; the handler is not called again once this returns, except by a wake-up already under way, which
    /// finds the socket closed if the caller closes it (the handle is referenced while it is read).
    /// </summary>
    public void Remove(ulong id)
    {
        if (!_handlers.TryRemove(id, out var entry)) return;
        // A socket already closed left the epoll set with its last descriptor.
        if (!entry.Socket.Handle.IsClosed) Libc.EpollCtl(_epoll, Libc.EPOLL_CTL_DEL, entry.Socket.Fd, null);
    }

    /// <summary>Runs <paramref name="tick"/> (with the current <see cref="Stopwatch"/> timestamp) on the loop's thread periodically.</summary>
    public void AddTick(Action<long> tick)
    {
        _ticks[tick] = true;
        // The loop may be waiting without a timeout (it had no periodic work): have it compute one.
        Wake();
    }

    /// <summary>Stops running <paramref name="tick"/>.</summary>
    public void RemoveTick(Action<long> tick) => _ticks.TryRemove(tick, out _);

    void Wake()
    {
        ulong one = 1;
        Libc.Write(_wake, &one, sizeof(ulong));
    }

    void Control(int op, int fd, ulong id)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = Libc.EPOLLIN;
        *(ulong*)(ev + Libc.EpollDataOffset) = id;
        if (Libc.EpollCtl(_epoll, op, fd, ev) < 0) throw new SocketException(Libc.LastError);
    }

    void Run()
    {
        t_current = this;
        using var batch = new DatagramBatch();
        using var outbox = new Outbox();
        t_outbox = outbox;
        var events = stackalloc byte[MaxEvents * Libc.EpollEventSize];
        long tickInterval = Stopwatch.Frequency * TickMilliseconds / 1000, nextTick = Stopwatch.GetTimestamp() + tickInterval;
        while (!_stopped)
        {
            int timeout = -1;
            if (!_ticks.IsEmpty)
            {
                long now = Stopwatch.GetTimestamp();
                if (now >= nextTick)
                {
                    RunTicks(now);
                    FlushOutbox(outbox);
                    nextTick = now + tickInterval;
                }
                timeout = (int)Math.Max(1, (nextTick - now) * 1000 / Stopwatch.Frequency);
            }
            int n = Libc.EpollWait(_epoll, events, MaxEvents, timeout);
            if (n < 0)
            {
                if (Libc.LastError == Libc.EINTR) continue;
                _logger.LogCritical("DNS event loop {Name}: epoll_wait failed with errno {Errno}; its sockets are no longer served", _thread.Name, Libc.LastError);
                return;
            }
            for (int i = 0; i < n && !_stopped; i++)
            {
                ulong id = *(ulong*)(events + i * Libc.EpollEventSize + Libc.EpollDataOffset);
                if (id == WakeId)
                {
                    ulong count;
                    Libc.Read(_wake, &count, sizeof(ulong)); // level-triggered: reset it, or every wait returns at once
                    continue;
                }
                if (!_handlers.TryGetValue(id, out var entry)) continue; // removed after this wake-up began
                if (!entry.Socket.TryAcquire()) continue;                 // closed meanwhile
                try
                {
                    entry.Handler.OnReadable(batch);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "DNS event loop {Name}: a socket handler failed", _thread.Name);
                }
                finally
                {
                    entry.Socket.Release();
                }
                FlushOutbox(outbox);
            }
        }
    }

    void FlushOutbox(Outbox outbox)
    {
        if (outbox.Count == 0) return;
        int dropped = outbox.Flush();
        if (dropped > 0) _logger.LogDebug("DNS event loop {Name}: {Count} datagrams dropped by a full send buffer", _thread.Name, dropped);
    }

    void RunTicks(long now)
    {
        foreach (var tick in _ticks.Keys)
        {
            try
            {
                tick(now);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "DNS event loop {Name}: periodic work failed", _thread.Name);
            }
        }
    }

    public void Dispose()
    {
        if (_stopped) return;
        _stopped = true;
        Wake();
        if (Thread.CurrentThread != _thread) _thread.Join();
        Libc.Close(_epoll);
        Libc.Close(_wake);
    }

    /// <summary>A socket's handle and its descriptor, referenced while the loop reads it so a concurrent close waits.</summary>
    internal sealed class SafeHandleRef(SafeSocketHandle handle)
    {
        public SafeSocketHandle Handle { get; } = handle;
        public int Fd { get; } = (int)handle.DangerousGetHandle();

        public bool TryAcquire()
        {
            bool added = false;
            try
            {
                Handle.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
            return added;
        }

        public void Release() => Handle.DangerousRelease();
    }
}
