namespace Netfence.Bpf.Sdk;

/// <summary>Return values of cgroup sock_addr programs (connect, sendmsg, recvmsg).</summary>
public static class SockAddrVerdict
{
    /// <summary>Let the call proceed (with any address the program rewrote).</summary>
    public const int Allow = 1;
    /// <summary>Fail the call with EPERM.</summary>
    public const int Reject = 0;
}
