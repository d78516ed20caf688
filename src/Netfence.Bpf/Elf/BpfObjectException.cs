namespace Netfence.Bpf.Elf;

/// <summary>An eBPF object file that cannot be used; the message names the file and what is wrong with it.</summary>
public sealed class BpfObjectException : Exception
{
    public BpfObjectException(string fileName, string problem, Exception? inner = null)
        : base($"{fileName}: {problem}", inner)
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The object file (or the name given for an in-memory object).</summary>
    public string FileName { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
