using Netfence.Bpf.Info;
using Netfence.Datapath;
using Netfence.Programs.Layout;

namespace Netfence.Bench.Datapath;

/// <summary>What the kernel holds of one program: translated instructions, JIT size, instructions the verifier walked.</summary>
internal sealed record ProgramSize(int XlatedInstructions, uint JitedBytes, uint VerifiedInstructions)
{
    public static ProgramSize Of(Netfence.Bpf.Programs.BpfProgram program)
    {
        var info = ObjectInfo.Program(program.Fd);
        // Every instruction slot is 8 bytes (a 64-bit immediate load takes two), as the verifier's listing counts them.
        return new ProgramSize((int)(info.XlatedSize / 8), info.JitedSize, info.VerifiedInstructions);
    }
}

/// <summary>One program's sizes in both objects.</summary>
internal sealed record InstructionRow(string Program, ProgramSize CSharp, ProgramSize Reference)
{
    public double XlatedRatio => Ratios.Of(CSharp.XlatedInstructions, Reference.XlatedInstructions);
    public double VerifiedRatio => Ratios.Of(CSharp.VerifiedInstructions, Reference.VerifiedInstructions);
    public double JitedRatio => Ratios.Of(CSharp.JitedBytes, Reference.JitedBytes);
}

internal static class InstructionCounts
{
    /// <summary>The programs of the datapath object, TC first (the one the test runs time).</summary>
    public static readonly string[] Programs =
    [
        ProgramNames.TcIngress, ProgramNames.Connect4, ProgramNames.Connect6,
        ProgramNames.Sendmsg4, ProgramNames.Sendmsg6, ProgramNames.CgroupSkbEgress,
    ];

    public static List<InstructionRow> Measure(DatapathPrograms csharp, DatapathPrograms reference) =>
        Programs.Select(name => new InstructionRow(name, ProgramSize.Of(csharp[name]), ProgramSize.Of(reference[name]))).ToList();
}
