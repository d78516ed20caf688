namespace Netfence.Bpf.Diagnostics
{
    /// <summary>
    /// Names of constructs reported as <see cref="DiagnosticIds.UnsupportedConstruct"/> by both stages, so the
    /// analyzer and the IL walker describe the same construct with the same words.
    /// </summary>
    internal static class UnsupportedConstructs
    {
        /// <summary>
        /// C# references become fixed frame offsets at compile time, so a reference whose target depends on a run-time
        /// value has no lowering.
        /// </summary>
        public const string RuntimeReference =
            "a reference chosen at run time (a conditional ref, a ref local reassigned, or a ref return whose target depends on the path); choose the value with an if and read or write each target directly";
    }
}
