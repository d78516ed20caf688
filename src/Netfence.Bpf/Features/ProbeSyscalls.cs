using Netfence.Bpf.Asm;
using Netfence.Bpf.Memlock;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Features;

/// <summary>
/// The raw calls probes make. They bypass <see cref="BpfProgram.Load"/> and the map layer on
/// purpose: a probe wants the kernel's bare errno, without verifier-log retries or validation.
/// </summary>
internal static unsafe class ProbeSyscalls
{
    /// <summary>Errnos that say nothing about the feature (privileges, memory): the probe is inconclusive.</summary>
    public static bool IsInconclusive(Errno errno) => errno is Errno.EPERM or Errno.EACCES or Errno.ENOMEM or Errno.EAGAIN or Errno.EBUSY;

    /// <summary>Loads <c>r0 = 0; exit</c> as <paramref name="type"/>; returns the fd or the errno.</summary>
    public static BpfFd? LoadMinimalProgram(ProgramType type, AttachType? expectedAttachType, out Errno errno)
    {
        MemlockLimit.EnsureSufficient();
        var code = InstructionStream.Encode([Instruction.Mov64(Register.R0, 0), Instruction.Exit()]);
        var license = "GPL\0"u8.ToArray();
        fixed (byte* c = code, l = license)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = (uint)type,
                InsnCnt = (uint)(code.Length / 8),
                Insns = (ulong)c,
                License = (ulong)l,
                ExpectedAttachType = expectedAttachType is { } t ? (uint)t : 0,
            };
            var fd = BpfSyscall.Try(BpfCommand.ProgLoad, ref attr, out errno);
            return fd >= 0 ? new BpfFd((int)fd) : null;
        }
    }

    /// <summary>Creates a map with raw arguments; returns the fd or the errno.</summary>
    public static BpfFd? CreateMap(MapCreateAttr attr, out Errno errno)
    {
        MemlockLimit.EnsureSufficient();
        var fd = BpfSyscall.Try(BpfCommand.MapCreate, ref attr, out errno);
        return fd >= 0 ? new BpfFd((int)fd) : null;
    }
}
