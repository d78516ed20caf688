namespace Netfence.Policy.Modes;

/// <summary>
/// What an attachment's filter lets through; numbered like the protocol's <c>PolicyMode</c>.
/// <see cref="Unspecified"/> is representable because the protocol can carry it, but it never
/// means "allow": see <see cref="PolicyModes.Enforced"/>.
/// </summary>
public enum PolicyMode
{
    /// <summary>No mode was given; enforced as <see cref="BlockAll"/>.</summary>
    Unspecified = 0,
    /// <summary>Allow all traffic.</summary>
    Disabled = 1,
    /// <summary>Allow only the allow list.</summary>
    Allowlist = 2,
    /// <summary>Allow nothing.</summary>
    BlockAll = 3,
    /// <summary>Allow everything but the deny list.</summary>
    Denylist = 4,
}
