using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.DiffCorpus;

/// <summary>
/// Where operand programs find their inputs and leave their results. The harness builds 128-byte packets: inputs in
/// the first 64 bytes, results written back into the last 64 so 64-bit values are compared exactly.
/// </summary>
[BpfCode]
public static class Layout
{
    /// <summary>The length of every operand packet.</summary>
    public const int PacketBytes = 128;

    /// <summary>First input byte.</summary>
    public const int In = 0;

    /// <summary>First result byte.</summary>
    public const int Out = 64;
}
