using Netfence.Bpf.Features;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Links;

/// <summary>Attaches programs to cgroup v2 hooks (socket address and packet hooks).</summary>
public static class CgroupAttach
{
    /// <summary>BPF_F_ALLOW_MULTI: our program runs beside others instead of replacing them.</summary>
    internal const uint AllowMulti = 2;

    /// <summary>
    /// Attaches <paramref name="program"/> to the cgroup at <paramref name="cgroupPath"/> (which
    /// must lie inside the cgroup v2 mount) at hook <paramref name="attachType"/>.
    /// </summary>
    public static Attachment Attach(BpfProgram program, string cgroupPath, AttachType attachType, CgroupAttachMode mode = CgroupAttachMode.Auto)
    {
        ArgumentNullException.ThrowIfNull(program);
        CheckProgram(program, attachType);
        var fullPath = CgroupV2.Validate(cgroupPath);
        var cgroup = CgroupV2.Open(fullPath);
        try
        {
            var useLink = mode switch
            {
                CgroupAttachMode.Link => true,
                CgroupAttachMode.ProgAttach => false,
                CgroupAttachMode.Auto => KernelFeatures.CgroupLinks.IsSupported,
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown cgroup attach mode"),
            };
            if (!useLink) return LegacyCgroupAttachment.Attach(cgroup, program, fullPath, attachType);

            if (mode == CgroupAttachMode.Link) KernelFeatures.CgroupLinks.Status.ThrowIfUnsupported();
            try
            {
                var attr = new LinkCreateAttr { ProgFd = (uint)program.Fd.Value, TargetFdOrIfindex = (uint)cgroup.Value, AttachType = (uint)attachType };
                return BpfLink.Create(ref attr, $"program '{program.Name}' on cgroup {fullPath} ({attachType}, bpf link)");
            }
            finally
            {
                // The link holds the cgroup itself; our fd was only needed to name it.
                cgroup.Dispose();
            }
        }
        catch
        {
            cgroup.Dispose();
            throw;
        }
    }

    static void CheckProgram(BpfProgram program, AttachType attachType)
    {
        var needed = attachType switch
        {
            AttachType.CgroupInetIngress or AttachType.CgroupInetEgress => ProgramType.CgroupSkb,
            AttachType.CgroupInet4Connect or AttachType.CgroupInet6Connect
                or AttachType.CgroupUdp4Sendmsg or AttachType.CgroupUdp6Sendmsg
                or AttachType.CgroupUdp4Recvmsg or AttachType.CgroupUdp6Recvmsg => ProgramType.CgroupSockAddr,
            _ => throw new ArgumentException($"{attachType} is not a cgroup hook this library attaches (inet ingress/egress, connect4/6, sendmsg4/6, recvmsg4/6)", nameof(attachType)),
        };
        if (program.Type != needed)
            throw new ArgumentException($"program '{program.Name}' is {program.Type}, but {attachType} takes {needed} programs", nameof(program));
        if (needed == ProgramType.CgroupSockAddr && program.ExpectedAttachType != attachType)
            throw new ArgumentException($"program '{program.Name}' was loaded for expected attach type {program.ExpectedAttachType?.ToString() ?? "(none)"}, but is being attached at {attachType}: the kernel requires them to match", nameof(program));
    }
}
