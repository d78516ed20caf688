namespace Netfence.Bpf.Diagnostics
{
    /// <summary>Which compiler stage can see a construct and therefore reports it.</summary>
    internal enum DiagnosticStage
    {
        /// <summary>Visible in source and in IL: the analyzer reports it in the editor, the IL walker at build time.</summary>
        AnalyzerAndIlWalker,

        /// <summary>
        /// Only the IL walker can decide it (stack frame sizes, the width of a store), so the analyzer does not
        /// claim the id; it stays in the catalogue so the id and advice are fixed from the start.
        /// </summary>
        IlWalkerOnly,
    }
}
