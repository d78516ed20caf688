using Netfence.Bpf.Compiler.Diagnostics;
using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Frontend;

/// <summary>A call of a helper that only the listed program types offer on every supported kernel.</summary>
internal sealed record RestrictedHelperCall(string Member, int HelperId, int[] ProgramTypes, SourcePosition? Position);

/// <summary>
/// NF0037: a program calls, itself or through the global functions it calls, a helper its program type does not
/// offer on the oldest supported kernel. The verifier would reject it there with "unknown func"; the build says which
/// call and which program.
/// </summary>
internal static class HelperAvailability
{
    /// <summary>Reports every restricted helper call reachable from <paramref name="program"/> that its type lacks.</summary>
    /// <param name="program">The program.</param>
    /// <param name="own">The calls in the program's own body (with the methods inlined into it).</param>
    /// <param name="calledFunctions">The global functions the program calls.</param>
    /// <param name="functions">Every global function's own calls and the global functions it calls in turn.</param>
    /// <param name="diagnostics">Where to report.</param>
    public static void Check(ProgramDeclaration program, IEnumerable<RestrictedHelperCall> own,
        IEnumerable<Mono.Cecil.MethodDefinition> calledFunctions,
        IReadOnlyDictionary<Mono.Cecil.MethodDefinition, (List<RestrictedHelperCall> Calls, IEnumerable<Mono.Cecil.MethodDefinition> Callees)> functions,
        DiagnosticBag diagnostics)
    {
        var calls = new List<RestrictedHelperCall>(own);
        var seen = new HashSet<Mono.Cecil.MethodDefinition>();
        var pending = new Queue<Mono.Cecil.MethodDefinition>(calledFunctions);
        while (pending.TryDequeue(out var function))
        {
            if (!seen.Add(function) || !functions.TryGetValue(function, out var body)) continue;
            calls.AddRange(body.Calls);
            foreach (var next in body.Callees) pending.Enqueue(next);
        }
        foreach (var call in calls.Where(c => !c.ProgramTypes.Contains(program.ProgramType)))
            diagnostics.Report(DiagnosticCatalogue.HelperNotAvailable, call.Position, call.Member, call.HelperId,
                KernelSupport.ProgramTypeName(program.ProgramType), program.Name, KernelSupport.ProgramTypeNames(call.ProgramTypes));
    }
}
