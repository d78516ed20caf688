namespace Netfence.Bpf.Programs;

/// <summary>Program types (<c>enum bpf_prog_type</c>).</summary>
public enum ProgramType : uint
{
    Unspecified = 0,
    SocketFilter = 1,
    Kprobe = 2,
    SchedCls = 3,
    SchedAct = 4,
    Tracepoint = 5,
    Xdp = 6,
    PerfEvent = 7,
    CgroupSkb = 8,
    CgroupSock = 9,
    LwtIn = 10,
    LwtOut = 11,
    LwtXmit = 12,
    SockOps = 13,
    SkSkb = 14,
    CgroupDevice = 15,
    SkMsg = 16,
    RawTracepoint = 17,
    CgroupSockAddr = 18,
    CgroupSysctl = 23,
    CgroupSockopt = 25,
}
