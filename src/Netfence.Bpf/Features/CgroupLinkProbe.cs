using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Features;

/// <summary>
/// Asks whether cgroup programs can be attached as bpf links (BPF_LINK_CREATE, 5.7), which
/// detach when the last reference goes away instead of staying attached forever. A valid
/// cgroup_skb program is linked to an invalid cgroup fd: a kernel with cgroup links rejects the
/// fd (EBADF); one without the command or the link type answers EINVAL.
/// </summary>
public static class CgroupLinkProbe
{
    /// <summary>The probe.</summary>
    public static FeatureProbe Create() => new("bpf links for cgroups", "5.7", Probe);

    static bool? Probe()
    {
        using var prog = ProbeSyscalls.LoadMinimalProgram(ProgramType.CgroupSkb, AttachType.CgroupInetEgress, out var loadErrno);
        if (prog is null)
            return ProbeSyscalls.IsInconclusive(loadErrno) ? null : throw new BpfException(BpfCommand.ProgLoad.Name(), loadErrno, null, "loading a cgroup_skb program to probe cgroup links");
        var attr = new LinkCreateAttr { ProgFd = (uint)prog.Value, TargetFdOrIfindex = uint.MaxValue, AttachType = (uint)AttachType.CgroupInetEgress };
        var fd = BpfSyscall.Try(BpfCommand.LinkCreate, ref attr, out var errno);
        if (fd >= 0)
        {
            Libc.Close((int)fd);
            return true;
        }
        if (errno == Errno.EBADF) return true;
        if (errno == Errno.EINVAL) return false;
        return ProbeSyscalls.IsInconclusive(errno) ? null : throw new BpfException(BpfCommand.LinkCreate.Name(), errno, null, "probing cgroup links");
    }
}
