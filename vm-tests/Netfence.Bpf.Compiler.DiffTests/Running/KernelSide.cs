using Netfence.Bpf.Programs;
using Netfence.Bpf.TestRun;

namespace Netfence.Bpf.Compiler.DiffTests.Running;

/// <summary>Runs a loaded program once through BPF_PROG_TEST_RUN with a zeroed <c>__sk_buff</c> as ctx_in.</summary>
public sealed class KernelSide(BpfProgram program)
{
    private static readonly byte[] ZeroContext = new byte[Sdk.SkBuff.Size];

    /// <summary>Runs once on <paramref name="input"/> (at least 14 bytes, an Ethernet header).</summary>
    public Outcome Run(byte[] input)
    {
        try
        {
            var result = ProgramTestRun.Run(program, input, ZeroContext);
            return Outcome.From(result.SignedReturnValue, result.Data, result.Context);
        }
        catch (Syscalls.BpfException e)
        {
            return new Outcome(0, input, 0, 0, [], $"{e.GetType().Name}: {e.Message}");
        }
    }
}
