using Netfence.Bpf.Features;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Links;

/// <summary>Whether the kernel can attach cgroup programs through bpf links.</summary>
public static class CgroupLinkProbe
{
    /// <summary>
    /// BPF_LINK_CREATE arrived together with cgroup links (5.7). A LINK_CREATE with an invalid
    /// program fd answers EBADF where the command exists and EINVAL where it does not.
    /// </summary>
    public static FeatureProbe Links { get; } = new("cgroup bpf links", "5.7", Probe);

    static bool? Probe()
    {
        var attr = new LinkCreateAttr { ProgFd = uint.MaxValue, AttachType = (uint)AttachType.CgroupInet4Connect };
        BpfSyscall.Try(BpfCommand.LinkCreate, ref attr, out var errno);
        return errno switch
        {
            Errno.EBADF => true,
            Errno.EINVAL => false,
            _ => null,
        };
    }
}
