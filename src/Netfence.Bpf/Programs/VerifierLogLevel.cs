namespace Netfence.Bpf.Programs;

/// <summary>The verifier's log levels (flags of <c>log_level</c>).</summary>
[Flags]
public enum VerifierLogLevel : uint
{
    None = 0,
    /// <summary>Errors and the path that led to them.</summary>
    Branch = 1,
    /// <summary>Every instruction and register state (large).</summary>
    Instruction = 2,
    /// <summary>Statistics only: instructions processed, states, stack depth.</summary>
    Statistics = 4,
}
