using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls;

/// <summary>Memory mapping and readiness calls, used by the ring buffer reader.</summary>
internal static unsafe partial class Libc
{
    internal const int ProtRead = 1, ProtWrite = 2;
    internal const int MapShared = 1;
    internal const short PollIn = 1;
    internal static readonly nint MapFailed = -1;

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    internal static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Lib, EntryPoint = "munmap", SetLastError = true)]
    internal static partial int Munmap(nint address, nuint length);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }
}
