using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Btf;

/// <summary>The kernel rejected BTF; <see cref="Log"/> is its complete BTF verifier log.</summary>
public sealed class BtfLoadException : BpfException
{
    public BtfLoadException(Errno errno, string log)
        : base(BpfCommand.BtfLoad.Name(), errno, "the kernel rejected the BTF:\n    " + string.Join("\n    ", LastLines(log)))
        => Log = log;

    /// <summary>The kernel's BTF log.</summary>
    public string Log { get; }

    static IEnumerable<string> LastLines(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? ["(no log)"] : lines[Math.Max(0, lines.Length - 6)..];
    }
}
