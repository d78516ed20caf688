namespace Netfence.Bpf.Compiler.IR;

/// <summary>Predecessors and a reverse post-order of the reachable blocks of a function.</summary>
internal sealed class ControlFlow
{
    public ControlFlow(IrFunction function)
    {
        var visited = new HashSet<BasicBlock>();
        var post = new List<BasicBlock>();
        // Iterative DFS: deep inlining makes long block chains that would overflow a recursive walk.
        var stack = new Stack<(BasicBlock Block, IEnumerator<BasicBlock> Next)>();
        visited.Add(function.Entry);
        stack.Push((function.Entry, function.Entry.Successors.ToList().GetEnumerator()));
        while (stack.Count > 0)
        {
            var (block, next) = stack.Peek();
            if (next.MoveNext())
            {
                if (visited.Add(next.Current)) stack.Push((next.Current, next.Current.Successors.ToList().GetEnumerator()));
                continue;
            }
            stack.Pop();
            post.Add(block);
        }
        post.Reverse();
        ReversePostOrder = post;
        foreach (var b in post) Predecessors[b] = [];
        foreach (var b in post)
            foreach (var s in b.Successors.Distinct())
                Predecessors[s].Add(b);
    }

    /// <summary>Reachable blocks, each before its successors except along back edges.</summary>
    public IReadOnlyList<BasicBlock> ReversePostOrder { get; }

    public Dictionary<BasicBlock, List<BasicBlock>> Predecessors { get; } = [];

    public bool IsReachable(BasicBlock block) => Predecessors.ContainsKey(block);
}
