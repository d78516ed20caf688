using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Netfence.Bpf.Analyzers;

/// <summary>
/// Calls between BPF code methods of one compilation, gathered while method bodies are analysed and searched when the
/// compilation ends: for cycles (mutual recursion is only visible with every body seen), and from each program for
/// the helpers it reaches that its program type does not offer.
/// </summary>
internal sealed class CallGraph
{
    private readonly ConcurrentBag<(IMethodSymbol Caller, IMethodSymbol Callee, Location Location)> _edges = new();
    private readonly ConcurrentBag<(IMethodSymbol Caller, string Helper, int HelperId, int[] ProgramTypes, Location Location)> _restrictedHelpers = new();
    private readonly ConcurrentBag<(IMethodSymbol Program, int ProgramType)> _programs = new();

    /// <summary>A call of a helper that only <paramref name="programTypes"/> offer.</summary>
    public void AddRestrictedHelperCall(IMethodSymbol caller, string helper, int helperId, int[] programTypes, Location location) =>
        _restrictedHelpers.Add((caller.OriginalDefinition, helper, helperId, programTypes, location));

    /// <summary>A [Program] method and its hook's program type.</summary>
    public void AddProgram(IMethodSymbol program, int programType) => _programs.Add((program.OriginalDefinition, programType));

    /// <summary>Every restricted helper call a program reaches (itself or through the methods it calls) whose program type lacks it.</summary>
    public IEnumerable<(IMethodSymbol Program, int ProgramType, string Helper, int HelperId, int[] ProgramTypes, Location Location)> UnavailableHelperCalls()
    {
        var helpers = _restrictedHelpers.ToArray();
        if (helpers.Length == 0)
            yield break;
        var callees = Callees(_edges.ToArray());
        foreach (var (program, type) in _programs.OrderBy(p => p.Program.Name, StringComparer.Ordinal))
        {
            var reached = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { program };
            var queue = new Queue<IMethodSymbol>(reached);
            while (queue.Count > 0)
            {
                if (!callees.TryGetValue(queue.Dequeue(), out var next))
                    continue;
                foreach (var n in next.Where(reached.Add))
                    queue.Enqueue(n);
            }

            foreach (var call in helpers.Where(h => reached.Contains(h.Caller) && !h.ProgramTypes.Contains(type)).OrderBy(h => h.Location.SourceSpan.Start))
                yield return (program, type, call.Helper, call.HelperId, call.ProgramTypes, call.Location);
        }
    }

    private static Dictionary<IMethodSymbol, IMethodSymbol[]> Callees((IMethodSymbol Caller, IMethodSymbol Callee, Location Location)[] edges)
    {
        var callees = new Dictionary<IMethodSymbol, IMethodSymbol[]>(SymbolEqualityComparer.Default);
        foreach (var group in edges.GroupBy(e => e.Caller, SymbolEqualityComparer.Default))
            callees[(IMethodSymbol)group.Key!] = group.Select(e => e.Callee).Distinct(SymbolEqualityComparer.Default).Cast<IMethodSymbol>().ToArray();
        return callees;
    }

    public void Add(IMethodSymbol caller, IMethodSymbol callee, Location location) =>
        _edges.Add((caller.OriginalDefinition, callee.OriginalDefinition, location));

    /// <summary>Every call that lies on a cycle, with the cycle spelled out from the caller back to itself.</summary>
    public IEnumerable<(IMethodSymbol Caller, string Cycle, Location Location)> CallsOnCycles()
    {
        var edges = _edges.ToArray();
        var callees = Callees(edges);

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
