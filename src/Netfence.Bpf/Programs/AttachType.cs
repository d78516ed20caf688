namespace Netfence.Bpf.Programs;

/// <summary>Attach types (<c>enum bpf_attach_type</c>), numbered from the current UAPI header.</summary>
public enum AttachType : uint
{
    CgroupInetIngress = 0,
    CgroupInetEgress = 1,
    CgroupInetSockCreate = 2,
    CgroupSockOps = 3,
    CgroupDevice = 6,
    CgroupInet4Bind = 8,
    CgroupInet6Bind = 9,
    CgroupInet4Connect = 10,
    CgroupInet6Connect = 11,
    CgroupInet4PostBind = 12,
    CgroupInet6PostBind = 13,
    CgroupUdp4Sendmsg = 14,
    CgroupUdp6Sendmsg = 15,
    CgroupUdp4Recvmsg = 19,
    CgroupUdp6Recvmsg = 20,
    CgroupInet4Getpeername = 29,
    CgroupInet6Getpeername = 30,
    CgroupInet4Getsockname = 31,
    CgroupInet6Getsockname = 32,
    CgroupInetSockRelease = 34,
    TcxIngress = 46,
    TcxEgress = 47,
    NetkitPrimary = 54,
    NetkitPeer = 55,
}
