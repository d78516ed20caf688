namespace Netfence.Bpf.Diagnostics
{
    /// <summary>
    /// One diagnostic of the C#→eBPF subset. The analyzer turns it into a Roslyn descriptor and the IL walker
    /// formats it into its own errors, so both stages show the same id, title and advice for the same construct.
    /// </summary>
    internal sealed class DiagnosticEntry
    {
        public DiagnosticEntry(string id, string title, string messageFormat, string category, string help, DiagnosticStage stage)
        {
            Id = id;
            Title = title;
            MessageFormat = messageFormat;
            Category = category;
            Help = help;
            Stage = stage;
        }

        /// <summary>The stable id, "NF" and four digits.</summary>
        public string Id { get; }

        /// <summary>A short name of the rejected construct.</summary>
        public string Title { get; }

        /// <summary>A composite format string (string.Format placeholders) with the details of one occurrence.</summary>
        public string MessageFormat { get; }

        /// <summary>One of <see cref="DiagnosticCategory"/>'s names.</summary>
        public string Category { get; }

        /// <summary>What to write instead: the advice a filter author needs to fix the code.</summary>
        public string Help { get; }

        /// <summary>Which stages report this entry.</summary>
        public DiagnosticStage Stage { get; }

        /// <summary>
        /// Every entry is an error: the kernel's verifier would reject the program or the managed run would
        /// disagree with the kernel, and neither is a matter of taste.
        /// </summary>
        public bool IsError => true;

        /// <summary>Formats the message for one occurrence, the way Roslyn formats a descriptor's message.</summary>
        public string Format(params object[] arguments) =>
            string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageFormat, arguments);

        public override string ToString() => Id + ": " + Title;
    }
}
