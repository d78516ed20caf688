using Mono.Cecil;
using Mono.Cecil.Cil;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>Maps IL offsets of one method to C# positions through the portable PDB's sequence points.</summary>
internal sealed class SequencePoints
{
    const int HiddenLine = 0xfeefee;
    readonly List<(int Offset, SourcePosition Position)> _points = [];

    public SequencePoints(MethodDefinition method)
    {
        if (!method.DebugInformation.HasSequencePoints) return;
        foreach (var sp in method.DebugInformation.SequencePoints.OrderBy(s => s.Offset))
        {
            if (sp.IsHidden || sp.StartLine == HiddenLine) continue;
            _points.Add((sp.Offset, new SourcePosition(sp.Document.Url, sp.StartLine, sp.StartColumn)));
        }
    }

    /// <summary>The position of the statement containing the instruction at <paramref name="offset"/>.</summary>
    public SourcePosition? At(int offset)
    {
        SourcePosition? best = null;
        foreach (var (o, p) in _points)
        {
            if (o > offset) break;
            best = p;
        }
        return best ?? (_points.Count > 0 ? _points[0].Position : null);
    }

    public SourcePosition? First => _points.Count > 0 ? _points[0].Position : null;

    public static SourcePosition? Of(MethodDefinition method) => method.HasBody ? new SequencePoints(method).First : null;

    public static SourcePosition? Of(MethodDefinition method, Instruction instruction) =>
        method.HasBody ? new SequencePoints(method).At(instruction.Offset) : null;
}
