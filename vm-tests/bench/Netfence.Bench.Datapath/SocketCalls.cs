using System.Net;
using System.Runtime.InteropServices;

namespace Netfence.Bench.Datapath;

/// <summary>
/// socket/connect/close straight from libc: the connect benchmark times the system call itself, not .NET's socket
/// layer around it (which would add the same microseconds to both sides and shrink the measured overhead).
/// </summary>
internal static unsafe partial class SocketCalls
{
    public const int Eperm = 1;
    private const int AfInet = 2;
    private const int SockStream = 1;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int SoLinger = 13;

    [StructLayout(LayoutKind.Sequential)]
    public struct SockaddrIn
    {
        public ushort Family;
        public ushort Port;   // network order
        public uint Address;  // network order
        public ulong Zero;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Linger
    {
        public int OnOff;
        public int Seconds;
    }

    public static SockaddrIn Address(IPEndPoint endpoint)
    {
        var bytes = endpoint.Address.GetAddressBytes();
        return new SockaddrIn
        {
            Family = AfInet,
            Port = (ushort)IPAddress.HostToNetworkOrder((short)endpoint.Port),
            Address = MemoryMarshal.Read<uint>(bytes),
        };
    }

    /// <summary>A new blocking TCP socket.</summary>
    public static int TcpSocket()
    {
        int fd = Socket(AfInet, SockStream | SockCloexec, 0);
        return fd >= 0 ? fd : throw new IOException($"socket() failed with errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>connect(); 0 or the errno.</summary>
    public static int Connect(int fd, in SockaddrIn address)
    {
        fixed (SockaddrIn* p = &address)
            return ConnectRaw(fd, p, sizeof(SockaddrIn)) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Closes with a reset (SO_LINGER 0), so thousands of connections leave no TIME_WAIT behind to exhaust ports.</summary>
    public static void Abort(int fd)
    {
        var linger = new Linger { OnOff = 1, Seconds = 0 };
        SetSockOpt(fd, SolSocket, SoLinger, &linger, sizeof(Linger));
        Close(fd);
    }

    public static void Close(int fd)
    {
        if (CloseRaw(fd) != 0) throw new IOException($"close() failed with errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int ConnectRaw(int fd, SockaddrIn* address, int length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseRaw(int fd);
}
