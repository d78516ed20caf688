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
/// <para>
/// Adaptive busy polling: after handling datagrams the loop keeps polling (<c>epoll_wait</c> with no timeout) for up
/// to the busy-poll budget before it sleeps again, and every datagram it finds restarts the budget. On this kind of
/// host a sleeping thread's wake-up costs tens of µs, and the next datagram (the upstream's answer to what the loop
/// just forwarded, a client's next query) usually comes sooner; the kernel's own <c>SO_BUSY_POLL</c> does this for NIC
/// queues only, and loopback and veths have none. A loop that handled nothing polls not at all, so an idle server
/// costs nothing; while polling it yields its core every few polls (<c>sched_yield</c>), so the client and upstream it
/// is waiting for are not kept off a core it shares with them, and when a yield did run another thread (the core is
/// contended) it stops polling and sleeps: polling pays only on a core with time to spare.
/// </para>
/// </remarks>
internal sealed unsafe class EventLoop : IDisposable
{
    /// <summary>How often tick handlers run.</summary>
    public const int TickMilliseconds = 50;
    const int MaxEvents = 64;
    const ulong WakeId = 0;
    // Polls between two sched_yield calls while busy polling: each poll is a system call of about a microsecond.
    const int PollsPerYield = 4;
    // A sched_yield that returns later than this gave the core to another thread (alone, it is a system call of a few µs).
    static readonly long ContendedYieldTicks = Stopwatch.Frequency * 20 / 1_000_000;

    readonly int _epoll;
    readonly int _wake;
    readonly Thread _thread;
    readonly ILogger _logger;
    readonly long _busyPollTicks;
    readonly ConcurrentDictionary<ulong, (SafeHandleRef Socket, IReadable Handler)> _handlers = new();
    readonly ConcurrentDictionary<Action<long>, bool> _ticks = new();
    long _nextId;
    long _emptyPolls;
    long _sleeps;
    long _contendedYields;
    volatile bool _stopped;

    /// <summary>The loop whose thread is running the caller, if any.</summary>
    [ThreadStatic] static EventLoop? t_current;

    /// <summary>The outbox of the loop whose thread is running the caller, if any.</summary>
    [ThreadStatic] static Outbox? t_outbox;

    /// <summary>Starts a loop; <paramref name="busyPoll"/> is how long it polls after handling datagrams before it sleeps (zero: never).</summary>
    public EventLoop(string name, ILogger logger, TimeSpan busyPoll = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(busyPoll, TimeSpan.Zero);
        _logger = logger;
        _busyPollTicks = (long)(busyPoll.TotalSeconds * Stopwatch.Frequency);
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

    /// <summary>Polls that found nothing while busy polling: what busy polling cost, in system calls.</summary>
    public long EmptyPolls => Volatile.Read(ref _emptyPolls);

    /// <summary>Polling windows ended early because a yield ran another thread (the core is contended).</summary>
    public long ContendedYields => Volatile.Read(ref _contendedYields);

    /// <summary>Waits the loop began that may sleep (no busy polling under way).</summary>
    public long Sleeps => Volatile.Read(ref _sleeps);

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
        // Until when the loop polls instead of sleeping (busy polling), and polls since the last yield.
        long pollUntil = 0;
        int polls = 0;
        while (!_stopped)
        {
            int timeout = -1;
            long now = 0;
            if (!_ticks.IsEmpty || pollUntil != 0)
            {
                now = Stopwatch.GetTimestamp();
                if (!_ticks.IsEmpty)
                {
                    if (now >= nextTick)
                    {
                        RunTicks(now);
                        FlushOutbox(outbox);
                        nextTick = now + tickInterval;
                    }
                    timeout = (int)Math.Max(1, (nextTick - now) * 1000 / Stopwatch.Frequency);
                }
            }
            bool polling = pollUntil != 0 && now < pollUntil;
            if (!polling)
            {
                pollUntil = 0;
                Volatile.Write(ref _sleeps, _sleeps + 1);
            }
            int n = Libc.EpollWait(_epoll, events, MaxEvents, polling ? 0 : timeout);
            if (n < 0)
            {
                if (Libc.LastError == Libc.EINTR) continue;
                _logger.LogCritical("DNS event loop {Name}: epoll_wait failed with errno {Errno}; its sockets are no longer served", _thread.Name, Libc.LastError);
                return;
            }
            if (n == 0 && polling)
            {
                Volatile.Write(ref _emptyPolls, _emptyPolls + 1);
                if (++polls == PollsPerYield)
                {
                    polls = 0;
                    long before = Stopwatch.GetTimestamp();
                    Libc.SchedYield();
                    // The yield ran someone else: the core is contended, and polling would take it from them. Sleep.
                    if (Stopwatch.GetTimestamp() - before > ContendedYieldTicks)
                    {
                        pollUntil = 0;
                        Volatile.Write(ref _contendedYields, _contendedYields + 1);
                    }
                }
                continue;
            }
            bool handled = false;
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
                handled = true;
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
            // Work restarts the budget: what it sent (queries upstream, answers to clients) is likely to bring more soon.
            if (handled && _busyPollTicks > 0)
            {
                pollUntil = Stopwatch.GetTimestamp() + _busyPollTicks;
                polls = 0;
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
