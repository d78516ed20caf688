using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Netlink;

/// <summary>
/// Runs code inside another network namespace. Sockets (netlink or IP) keep the namespace they
/// were created in, and ifindex-based bpf calls (TCX) resolve the ifindex in the calling
/// thread's namespace, so work for a namespace runs on a dedicated thread that entered it with
/// setns(2). The thread ends afterwards, so no pooled thread is ever left in a foreign namespace.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>
    /// Runs <paramref name="action"/> on a fresh thread inside the namespace at
    /// <paramref name="path"/> (e.g. <c>/var/run/netns/NAME</c> or <c>/proc/PID/ns/net</c>),
    /// or on the calling thread when <paramref name="path"/> is null.
    /// </summary>
    public static T Run<T>(string? path, Func<T> action)
    {
        if (path is null) return action();
        if (!File.Exists(path))
            throw new ArgumentException($"network namespace '{path}' does not exist", nameof(path));

        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Enter(path);
                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        { IsBackground = true, Name = $"netns {path}" };
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        return result;
    }

    /// <summary>Runs an action without a result inside a namespace (see <see cref="Run{T}"/>).</summary>
    public static void Run(string? path, Action action) => Run<object?>(path, () => { action(); return null; });

    static void Enter(string path)
    {
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Libc.LastErrno;
            throw new BpfException($"open network namespace '{path}'", errno);
        }
        using var handle = new BpfFd(fd);
        if (Libc.SetNs(fd, Libc.CLONE_NEWNET) != 0)
        {
            var errno = Libc.LastErrno;
            throw new BpfException($"setns into '{path}'", errno,
                errno == Errno.EINVAL ? "the path is not a network namespace" : errno == Errno.EPERM ? "needs CAP_SYS_ADMIN" : null);
        }
    }
}
