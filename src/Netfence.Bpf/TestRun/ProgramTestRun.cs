using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.TestRun;

/// <summary>What one BPF_PROG_TEST_RUN returned.</summary>
/// <param name="ReturnValue">The program's return value (r0), e.g. a TC verdict.</param>
/// <param name="Data">The packet after the run (programs may rewrite it).</param>
/// <param name="Context">The context after the run, when one was passed.</param>
/// <param name="AverageNanoseconds">The kernel's average time per run over all repetitions, in nanoseconds.</param>
public sealed record TestRunResult(uint ReturnValue, byte[] Data, byte[] Context, uint AverageNanoseconds)
{
    /// <summary>The average time per run (TimeSpan resolution is 100 ns: prefer <see cref="AverageNanoseconds"/> for fast programs).</summary>
    public TimeSpan AverageDuration => TimeSpan.FromTicks(AverageNanoseconds / 100);

    /// <summary>The return value read as signed (TCX_NEXT is -1).</summary>
    public int SignedReturnValue => unchecked((int)ReturnValue);
}

/// <summary>
/// BPF_PROG_TEST_RUN as a first-class API: run a loaded program on an input packet and/or
/// context in the kernel, without attaching it anywhere.
/// </summary>
public static class ProgramTestRun
{
    /// <summary>Headroom for programs that grow the packet.</summary>
    const int OutputSlack = 256;

    /// <summary>Runs <paramref name="program"/> <paramref name="repeat"/> times on <paramref name="data"/>.</summary>
    /// <param name="program">A loaded program of a type that supports test runs (e.g. SCHED_CLS, SOCKET_FILTER, XDP, CGROUP_SKB).</param>
    /// <param name="data">The packet, starting at the Ethernet header for TC programs.</param>
    /// <param name="context">Optional context (e.g. a 192-byte <c>__sk_buff</c>) to seed fields such as mark or ifindex.</param>
    /// <param name="repeat">Runs to average the duration over (1 when 0).</param>
    public static unsafe TestRunResult Run(BpfProgram program, ReadOnlySpan<byte> data, ReadOnlySpan<byte> context = default, uint repeat = 1)
    {
        var dataOut = new byte[data.Length + OutputSlack];
        var ctxOut = new byte[context.Length];
        fixed (byte* pIn = data, pOut = dataOut, cIn = context, cOut = ctxOut)
        {
            var attr = new TestRunAttr
            {
                ProgFd = (uint)program.Fd.Value,
                DataSizeIn = (uint)data.Length,
                DataIn = data.IsEmpty ? 0 : (ulong)pIn,
                DataSizeOut = (uint)dataOut.Length,
                DataOut = (ulong)pOut,
                Repeat = repeat,
                CtxSizeIn = (uint)context.Length,
                CtxIn = context.IsEmpty ? 0 : (ulong)cIn,
                CtxSizeOut = (uint)ctxOut.Length,
                CtxOut = context.IsEmpty ? 0 : (ulong)cOut,
            };
            BpfSyscall.Call(BpfCommand.ProgTestRun, ref attr, program.ToString());
            var outLen = Math.Min((int)attr.DataSizeOut, dataOut.Length);
            var ctxLen = Math.Min((int)attr.CtxSizeOut, ctxOut.Length);
            return new TestRunResult(attr.Retval, dataOut[..outLen], ctxOut[..ctxLen], attr.Duration);
        }
    }
}
