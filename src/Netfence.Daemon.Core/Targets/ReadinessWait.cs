using Netfence.Bpf.Syscalls;

namespace Netfence.Daemon.Targets;

/// <summary>
/// Blocks a reader loop until its descriptor is readable or the loop is told to stop. Closing a descriptor does not
/// wake a thread blocked on it, so stopping writes to an eventfd polled beside it: the loop ends at once, without a
/// timeout to tick through.
/// </summary>
internal sealed unsafe class ReadinessWait : IDisposable
{
    readonly BpfFd _stop;

    public ReadinessWait()
    {
        int fd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0) throw new BpfException("eventfd", Libc.LastErrno);
        _stop = new BpfFd(fd);
    }

    /// <summary>True when <paramref name="fd"/> is readable (or has an error to read); false once <see cref="Stop"/> was called.</summary>
    public bool WaitReadable(BpfFd fd)
    {
        var fds = stackalloc Libc.PollFd[2];
        while (true)
        {
            fds[0] = new Libc.PollFd { Fd = fd.Value, Events = Libc.POLLIN };
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

    /// <summary>Wakes the loop for good: every later <see cref="WaitReadable"/> returns false.</summary>
    public void Stop()
    {
        ulong one = 1;
        // EAGAIN means the counter is already non-zero: the loop is already told.
        if (Libc.Write(_stop.Value, &one, sizeof(ulong)) < 0 && Libc.LastErrno != Errno.EAGAIN)
            throw new BpfException("write(eventfd)", Libc.LastErrno);
    }

    public void Dispose() => _stop.Dispose();
}
