using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Links;

/// <summary>
/// A program attached to a cgroup with BPF_PROG_ATTACH (BPF_F_ALLOW_MULTI). It is not a kernel
/// object of its own: it stays until BPF_PROG_DETACH names the same cgroup, program and attach
/// type, whether or not this process lives.
/// </summary>
public sealed class LegacyCgroupAttachment : Attachment
{
    readonly BpfFd _cgroup;
    readonly BpfFd _program;

    LegacyCgroupAttachment(BpfFd cgroup, BpfFd program, string cgroupPath, AttachType type, string programName)
    {
        _cgroup = cgroup;
        _program = program;
        CgroupPath = cgroupPath;
        AttachType = type;
        Description = $"program '{programName}' on cgroup {cgroupPath} ({type}, BPF_PROG_ATTACH)";
    }

    public string CgroupPath { get; }
    public AttachType AttachType { get; }

    /// <inheritdoc />
    public override string Description { get; }

    /// <inheritdoc />
    protected override string WhyNotPinnable => "BPF_PROG_ATTACH attachments are not kernel objects; they stay attached without a pin until BPF_PROG_DETACH";

    internal static LegacyCgroupAttachment Attach(BpfFd cgroup, BpfProgram program, string cgroupPath, AttachType type)
    {
        // The detach needs the program's fd again, so keep our own duplicate in case the
        // caller disposes the program object first.
        var programFd = Duplicate(program.Fd);
        var attachment = new LegacyCgroupAttachment(cgroup, programFd, cgroupPath, type, program.Name);
        var attr = new ProgAttachAttr
        {
            TargetFd = (uint)cgroup.Value,
            AttachBpfFd = (uint)programFd.Value,
            AttachType = (uint)type,
            AttachFlags = CgroupAttach.AllowMulti,
        };
        try
        {
            BpfSyscall.Call(BpfCommand.ProgAttach, ref attr, attachment.Description);
        }
        catch
        {
            attachment.ReleaseHandles();
            throw;
        }
        return attachment;
    }

    /// <inheritdoc />
    public override void Detach()
    {
        ThrowIfDetached();
        var attr = new ProgAttachAttr { TargetFd = (uint)_cgroup.Value, AttachBpfFd = (uint)_program.Value, AttachType = (uint)AttachType };
        BpfSyscall.Call(BpfCommand.ProgDetach, ref attr, Description);
        IsDetached = true;
        ReleaseHandles();
    }

    /// <inheritdoc />
    protected override void ReleaseHandles()
    {
        _cgroup.Dispose();
        _program.Dispose();
    }

    static BpfFd Duplicate(BpfFd fd)
    {
        int copy = Libc.Fcntl(fd.Value, Libc.F_DUPFD_CLOEXEC, 0);
        if (copy < 0) throw new BpfException($"fcntl(F_DUPFD_CLOEXEC) of {fd}", Libc.LastErrno);
        return new BpfFd(copy);
    }
}
