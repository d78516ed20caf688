namespace Netfence.Bpf.Syscalls;

/// <summary>Linux errno values the loader can meet, named as in <c>errno.h</c>.</summary>
public enum Errno
{
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    ENXIO = 6,
    E2BIG = 7,
    EBADF = 9,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENFILE = 23,
    EMFILE = 24,
    ENOSPC = 28,
    EROFS = 30,
    ERANGE = 34,
    ENAMETOOLONG = 36,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    ELOOP = 40,
    ENOMSG = 42,
    EPROTO = 71,
    EBADMSG = 74,
    EOVERFLOW = 75,
    EMSGSIZE = 90,
    EPROTONOSUPPORT = 93,
    EOPNOTSUPP = 95,
    EAFNOSUPPORT = 97,
    EADDRINUSE = 98,
    EADDRNOTAVAIL = 99,
    ENETDOWN = 100,
    ENETUNREACH = 101,
    ECONNRESET = 104,
    ENOBUFS = 105,
    ETIMEDOUT = 110,
    ECONNREFUSED = 111,
    EALREADY = 114,
    EINPROGRESS = 115,
    /// <summary>Kernel-internal "not supported" that leaks out of some bpf paths (524).</summary>
    ENOTSUPP = 524,
}

/// <summary>Names and descriptions for errno values, including ones this enum does not list.</summary>
public static class ErrnoText
{
    /// <summary>The symbolic name, e.g. <c>EPERM</c>, or <c>errno 123</c> when unknown.</summary>
    public static string Name(this Errno errno) =>
        Enum.IsDefined(errno) ? errno.ToString() : $"errno {(int)errno}";

    /// <summary>The C library's description (strerror), which users recognise from other tools.</summary>
    public static string Describe(this Errno errno) => errno switch
    {
        Errno.ENOTSUPP => "Operation not supported (kernel-internal ENOTSUPP)",
        _ => System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage((int)errno),
    };
}
