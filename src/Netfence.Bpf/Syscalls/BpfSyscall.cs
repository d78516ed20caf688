using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls;

/// <summary>
/// The one place that calls <c>bpf(2)</c>. Each attribute struct is passed with its own exact
/// size, so the kernel never sees bytes past the fields the command uses (pitfall: E2BIG on
/// non-zero trailing bytes).
/// </summary>
public static unsafe class BpfSyscall
{
    /// <summary>The architecture's syscall number for bpf.</summary>
    public static long SyscallNumber { get; } = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var other => throw new PlatformNotSupportedException($"bpf() syscall number unknown for {other}"),
    };

    /// <summary>Calls bpf(cmd, &amp;attr, sizeof(attr)); returns the raw result or the errno.</summary>
    public static long Try<TAttr>(BpfCommand cmd, ref TAttr attr, out Errno errno) where TAttr : unmanaged
    {
        long result;
        fixed (TAttr* p = &attr)
        {
            // EINTR/EAGAIN happen on program loads under memory pressure and on signals; the
            // kernel contract is to retry the identical call.
            int attempts = 0;
            do
            {
                result = Libc.Syscall3(SyscallNumber, (long)cmd, (long)p, sizeof(TAttr));
                errno = result < 0 ? Libc.LastErrno : Errno.None;
            } while (result < 0 && (errno == Errno.EINTR || (errno == Errno.EAGAIN && cmd == BpfCommand.ProgLoad)) && ++attempts < 5);
        }
        return result;
    }

    /// <summary>Calls bpf and throws a <see cref="BpfException"/> naming the command on failure.</summary>
    public static long Call<TAttr>(BpfCommand cmd, ref TAttr attr, string? detail = null) where TAttr : unmanaged
    {
        var result = Try(cmd, ref attr, out var errno);
        if (result < 0) throw new BpfException(cmd.Name(), errno, BpfException.HintFor(cmd, errno), detail);
        return result;
    }

    /// <summary>Calls a bpf command that returns a new file descriptor, owned by the caller.</summary>
    public static BpfFd CallForFd<TAttr>(BpfCommand cmd, ref TAttr attr, string? detail = null) where TAttr : unmanaged
        => new((int)Call(cmd, ref attr, detail));

    /// <summary>Size of an attribute struct as passed to the kernel (exposed for layout tests).</summary>
    public static int SizeOf<TAttr>() where TAttr : unmanaged => Unsafe.SizeOf<TAttr>();
}
