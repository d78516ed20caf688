using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Features;

/// <summary>Asks whether the kernel can load a program type, by loading <c>r0 = 0; exit</c>.</summary>
public static class ProgramTypeProbe
{
    /// <summary>
    /// A probe for <paramref name="type"/>, first available in <paramref name="minimumKernel"/>.
    /// Types that check their attach point at load time need <paramref name="expectedAttachType"/>.
    /// </summary>
    public static FeatureProbe For(ProgramType type, string minimumKernel, AttachType? expectedAttachType = null) =>
        new($"{type} programs", minimumKernel, () => Probe(type, expectedAttachType));

    static bool? Probe(ProgramType type, AttachType? expectedAttachType)
    {
        using var fd = ProbeSyscalls.LoadMinimalProgram(type, expectedAttachType, out var errno);
        if (fd is not null) return true;
        // An unknown program type is EINVAL; E2BIG where the kernel's attr is shorter than ours.
        if (errno is Errno.EINVAL or Errno.E2BIG) return false;
        return ProbeSyscalls.IsInconclusive(errno) ? null : throw new BpfException(BpfCommand.ProgLoad.Name(), errno, null, $"probing {type} programs");
    }
}
