using Netfence.Bpf.Programs;

namespace Netfence.Bpf.Elf;

/// <summary>How <see cref="CollectionLoader"/> loads a collection.</summary>
public sealed record CollectionOptions
{
    /// <summary>
    /// The bpffs directory for maps with <c>pinning = LIBBPF_PIN_BY_NAME</c>; required when the
    /// object has such maps. Existing compatible pins are reused, so state survives restarts.
    /// </summary>
    public string? PinDirectory { get; init; }

    /// <summary>Ask the verifier for a log even on success.</summary>
    public VerifierLogLevel LogLevel { get; init; } = VerifierLogLevel.None;
}
