using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Netfence.Bpf.Analyzers;

/// <summary>
/// Calls between BPF code methods of one compilation, gathered while method bodies are analysed and searched for
/// cycles when the compilation ends: mutual recursion is only visible with every body seen.
/// </summary>
internal sealed class CallGraph
{
    private readonly ConcurrentBag<(IMethodSymbol Caller, IMethodSymbol Callee, Location Location)> _edges = new();

    public void Add(IMethodSymbol caller, IMethodSymbol callee, Location location) =>
        _edges.Add((caller.OriginalDefinition, callee.OriginalDefinition, location));

    /// <summary>Every call that lies on a cycle, with the cycle spelled out from the caller back to itself.</summary>
    public IEnumerable<(IMethodSymbol Caller, string Cycle, Location Location)> CallsOnCycles()
    {
        var edges = _edges.ToArray();
        var callees = new Dictionary<IMethodSymbol, IMethodSymbol[]>(SymbolEqualityComparer.Default);
        foreach (var group in edges.GroupBy(e => e.Caller, SymbolEqualityComparer.Default))
            callees[(IMethodSymbol)group.Key!] = group.Select(e => e.Callee).Distinct(SymbolEqualityComparer.Default).Cast<IMethodSymbol>().ToArray();

        foreach (var (caller, callee, location) in edges.OrderBy(e => e.Location.SourceSpan.Start))
        {
            var path = PathBack(callees, callee, caller);
            if (path is not null)
                yield return (caller, string.Join(" -> ", new[] { caller }.Concat(path).Select(m => m.Name)), location);
        }
    }

    // Breadth-first from `from` to `to`: the shortest chain of calls, or null when `to` is unreachable.
    private static List<IMethodSymbol>? PathBack(Dictionary<IMethodSymbol, IMethodSymbol[]> callees, IMethodSymbol from, IMethodSymbol to)
    {
        var previous = new Dictionary<IMethodSymbol, IMethodSymbol?>(SymbolEqualityComparer.Default) { [from] = null };
        var queue = new Queue<IMethodSymbol>();
        queue.Enqueue(from);
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (SymbolEqualityComparer.Default.Equals(current, to))
            {
                var path = new List<IMethodSymbol>();
                for (IMethodSymbol? m = current; m is not null; m = previous[m])
                    path.Add(m);
                path.Reverse();
                return path;
            }

            if (!callees.TryGetValue(current, out var next))
                continue;
            foreach (var n in next)
            {
                if (previous.ContainsKey(n))
                    continue;
                previous[n] = current;
                queue.Enqueue(n);
            }
        }

        return null;
    }
}
