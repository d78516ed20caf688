using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Compiler.Samples;

/// <summary>A cgroup connect4 program over user_ip4 and user_port.</summary>
public static class ConnectGuard
{
    /// <summary>The port (host order) connections to which are rejected.</summary>
    public static readonly ushort DeniedPort = 9;

    [Program(Hook.CgroupConnect4)]
    public static int Connect(SockAddr ctx)
    {
        uint ip = Net.Ntohl(ctx.UserIp4);
        ushort port = Net.Ntohs((ushort)ctx.UserPort);
        if (port == DeniedPort || ip == 0)
            return SockAddrVerdict.Reject;
        return SockAddrVerdict.Allow;
    }
}
