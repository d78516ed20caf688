using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls;

/// <summary>
/// An owned kernel file descriptor (map, program, link, BTF object). Closing it releases the
/// kernel object unless something else (a pin, an attachment, another fd) still holds it.
/// </summary>
public sealed class BpfFd : SafeHandle
{
    public BpfFd(int fd, bool ownsHandle = true) : base(new IntPtr(-1), ownsHandle) => SetHandle(new IntPtr(fd));

    /// <inheritdoc />
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw descriptor number; valid only while this handle is alive.</summary>
    public int Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)handle.ToInt64();
        }
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle() => Libc.Close((int)handle.ToInt64()) == 0;

    /// <inheritdoc />
    public override string ToString() => IsClosed ? "fd(closed)" : $"fd {handle.ToInt64()}";
}
