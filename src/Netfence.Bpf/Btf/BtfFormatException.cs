namespace Netfence.Bpf.Btf;

/// <summary>BTF or BTF.ext bytes that cannot be parsed; the message names the byte offset and the problem.</summary>
public sealed class BtfFormatException : FormatException
{
    public BtfFormatException(string section, long offset, string problem)
        : base($"malformed {section} at byte offset {offset}: {problem}")
    {
        Section = section;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>Which blob was malformed (<c>.BTF</c> or <c>.BTF.ext</c>).</summary>
    public string Section { get; }

    /// <summary>Offset into that blob where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>What was wrong.</summary>
    public string Problem { get; }
}
