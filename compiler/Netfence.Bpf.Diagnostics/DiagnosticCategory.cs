namespace Netfence.Bpf.Diagnostics
{
    /// <summary>Categories of the catalogue, as Roslyn shows them next to an id.</summary>
    internal static class DiagnosticCategory
    {
        public const string Allocation = "Netfence.Bpf.Allocation";
        public const string Calls = "Netfence.Bpf.Calls";
        public const string ControlFlow = "Netfence.Bpf.ControlFlow";
        public const string Arithmetic = "Netfence.Bpf.Arithmetic";
        public const string Memory = "Netfence.Bpf.Memory";
        public const string Maps = "Netfence.Bpf.Maps";
        public const string Context = "Netfence.Bpf.Context";
        public const string Programs = "Netfence.Bpf.Programs";
        public const string Unsupported = "Netfence.Bpf.Unsupported";
    }
}
