namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// Natural loops: a back edge is an edge whose target dominates its source. The compiler emits loops as bounded
/// loops (kernel ≥ 5.3) and leaves the bound to the verifier; this analysis reports where they are.
/// </summary>
internal sealed class Loops
{
    public Loops(ControlFlow flow, Dominators dominators)
    {
        foreach (var b in flow.ReversePostOrder)
            foreach (var s in b.Successors)
                if (dominators.Dominates(s, b))
                    BackEdges.Add((b, s));
    }

    public List<(BasicBlock From, BasicBlock Header)> BackEdges { get; } = [];

    public IEnumerable<BasicBlock> Headers => BackEdges.Select(e => e.Header).Distinct();
}
