using Netfence.Bpf.Compiler.IR;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Compiler.Diagnostics;

/// <summary>Collects NF diagnostics of a compilation, formatted from the shared catalogue.</summary>
internal sealed class DiagnosticBag
{
    readonly List<CompilerDiagnostic> _items = [];
    readonly HashSet<(string, string?, int, int, string)> _seen = [];

    public IReadOnlyList<CompilerDiagnostic> Items => _items;

    public bool HasErrors => _items.Count > 0;

    public void Report(DiagnosticEntry entry, SourcePosition? position, params object[] arguments)
    {
        var message = entry.Format(arguments);
        // The same inlined method reached from several programs would report once per program otherwise.
        if (!_seen.Add((entry.Id, position?.File, position?.Line ?? 0, position?.Column ?? 0, message))) return;
        _items.Add(new CompilerDiagnostic(entry.Id, message, position?.File, position?.Line ?? 0, position?.Column ?? 0));
    }
}

/// <summary>
/// Stops compiling one program after a diagnostic that leaves nothing sensible to continue with (the rest of the
/// assembly is still compiled, so one build reports every program's problems).
/// </summary>
internal sealed class CompilationAbortedException(DiagnosticEntry entry, SourcePosition? position, params object[] arguments)
    : Exception(entry.Format(arguments))
{
    public DiagnosticEntry Entry { get; } = entry;

    public SourcePosition? Position { get; } = position;

    public object[] Arguments { get; } = arguments;
}
