namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// Immediate dominators by the Cooper–Harvey–Kennedy iteration over the reverse post-order. Used to prove divisors
/// non-zero (a guarding test must dominate the division) and to find loops (a back edge targets a dominator).
/// </summary>
internal sealed class Dominators
{
    readonly Dictionary<BasicBlock, BasicBlock> _idom = [];
    readonly Dictionary<BasicBlock, int> _order = [];

    public Dominators(IrFunction function, ControlFlow flow)
    {
        var rpo = flow.ReversePostOrder;
        for (int i = 0; i < rpo.Count; i++) _order[rpo[i]] = i;
        var entry = function.Entry;
        _idom[entry] = entry;
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var b in rpo.Skip(1))
            {
                BasicBlock? newIdom = null;
                foreach (var p in flow.Predecessors[b])
                {
                    if (!_idom.ContainsKey(p)) continue;
                    newIdom = newIdom is null ? p : Intersect(p, newIdom);
                }
                if (newIdom is not null && (!_idom.TryGetValue(b, out var old) || old != newIdom))
                {
                    _idom[b] = newIdom;
                    changed = true;
                }
            }
        }
    }

    BasicBlock Intersect(BasicBlock a, BasicBlock b)
    {
        while (a != b)
        {
            while (_order[a] > _order[b]) a = _idom[a];
            while (_order[b] > _order[a]) b = _idom[b];
        }
        return a;
    }

    /// <summary>Whether every path from the entry to <paramref name="block"/> passes through <paramref name="dominator"/>.</summary>
    public bool Dominates(BasicBlock dominator, BasicBlock block)
    {
        if (!_idom.ContainsKey(block)) return false;
        for (var b = block; ; b = _idom[b])
        {
            if (b == dominator) return true;
            if (_idom[b] == b) return false;
        }
    }
}
