using Netfence.Bpf.Syscalls;

namespace Netfence.Daemon.Targets;

/// <summary>
/// One thread that waits for a descriptor to become readable and then lets its owner drain it, until disposed. A
/// thread blocked on a descriptor is not woken by closing it, so disposal writes to an eventfd polled beside it: the
/// loop ends at once, with no timeout to tick through. An exception from draining ends the loop and goes to the
/// owner's failure handler, never into the void.
/// </summary>
internal sealed unsafe class ReaderLoop : IDisposable
{
    readonly BpfFd _stop;
    readonly BpfFd _fd;
    readonly Action _drain;
    readonly Action<Exception> _fail;
    readonly Thread _thread;

    /// <summary>Starts the loop: <paramref name="drain"/> runs on it whenever <paramref name="fd"/> is readable or has an error to read.</summary>
    public ReaderLoop(string name, BpfFd fd, Action drain, Action<Exception> fail)
    {
        int stop = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (stop < 0) throw new BpfException("eventfd", Libc.LastErrno);
        _stop = new BpfFd(stop);
        _fd = fd;
        _drain = drain;
        _fail = fail;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    void Run()
    {
        try
        {
            while (WaitReadable()) _drain();
        }
        catch (Exception e)
        {
            _fail(e);
        }
    }

    bool WaitReadable()
    {
        var fds = stackalloc Libc.PollFd[2];
        while (true)
        {
            fds[0] = new Libc.PollFd { Fd = _fd.Value, Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = _stop.Value, Events = Libc.POLLIN };
            if (Libc.Poll(fds, 2, -1) < 0)
            {
                var errno = Libc.LastErrno;
                if (errno == Errno.EINTR) continue;
                throw new BpfException("poll", errno);
            }
            if (fds[1].Revents != 0) return false;
            if ((fds[0].Revents & Libc.POLLNVAL) != 0) throw new BpfException("poll", Errno.EBADF, "the watched descriptor was closed under the reader");
            // A netlink overrun is signalled as POLLERR; the read that follows reports it.
            if ((fds[0].Revents & (Libc.POLLIN | Libc.POLLERR | Libc.POLLHUP)) != 0) return true;
        }
    }

    /// <summary>Stops the loop and waits for it to end; the owner closes its descriptor afterwards.</summary>
    public void Dispose()
    {
        ulong one = 1;
        // EAGAIN means the counter is already non-zero: the loop was already told.
        if (Libc.Write(_stop.Value, &one, sizeof(ulong)) < 0 && Libc.LastErrno is var errno && errno != Errno.EAGAIN)
            throw new BpfException("write(eventfd)", errno);
        _thread.Join();
        _stop.Dispose();
    }
}
