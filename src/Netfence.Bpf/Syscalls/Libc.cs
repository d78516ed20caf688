using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls;

/// <summary>The few libc entry points the loader needs. Everything else is raw syscalls.</summary>
internal static unsafe partial class Libc
{
    const string Lib = "libc";

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    internal static partial long Syscall3(long number, long a1, long a2, long a3);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "getrlimit", SetLastError = true)]
    internal static partial int GetRlimit(int resource, RLimit* limit);

    [LibraryImport(Lib, EntryPoint = "setrlimit", SetLastError = true)]
    internal static partial int SetRlimit(int resource, RLimit* limit);

    [StructLayout(LayoutKind.Sequential)]
    internal struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    /// <summary>The errno left by the last P/Invoke on this thread.</summary>
    internal static Errno LastErrno => (Errno)Marshal.GetLastPInvokeError();
}
