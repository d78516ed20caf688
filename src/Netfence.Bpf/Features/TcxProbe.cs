using Netfence.Bpf.Asm;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Features;

/// <summary>Whether the kernel has TCX (bpf links on a device's TC hooks, 6.6+).</summary>
public static class TcxProbe
{
    /// <summary>
    /// A TCX BPF_LINK_CREATE with a SCHED_CLS program on ifindex 0: a kernel with TCX looks the
    /// device up and answers ENODEV; one without rejects the attach type with EINVAL.
    /// </summary>
    public static FeatureProbe Links { get; } = new("TCX links", "6.6", Probe);

    static bool? Probe()
    {
        BpfProgram program;
        try
        {
            program = BpfProgram.Load(new ProgramSpec
            {
                Name = "nf_tcx_probe",
                Type = ProgramType.SchedCls,
                Instructions = [Instruction.Mov64(Register.R0, 0), Instruction.Exit()],
            });
        }
        catch (BpfException e) when (e.Errno is Errno.EPERM or Errno.ENOMEM)
        {
            // Not conclusive: privileges or memory, not the kernel's feature set.
            return null;
        }
        using (program)
        {
            var attr = new LinkCreateAttr { ProgFd = (uint)program.Fd.Value, TargetFdOrIfindex = 0, AttachType = (uint)AttachType.TcxIngress };
            long fd = BpfSyscall.Try(BpfCommand.LinkCreate, ref attr, out var errno);
            if (fd >= 0)
            {
                // Cannot happen (there is no device 0), but never leak an attachment.
                new BpfFd((int)fd).Dispose();
                return true;
            }
            return errno switch
            {
                Errno.ENODEV => true,
                Errno.EINVAL => false,
                _ => null,
            };
        }
    }
}
