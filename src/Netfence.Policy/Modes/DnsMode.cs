namespace Netfence.Policy.Modes;

/// <summary>
/// How an attachment's DNS queries are filtered; numbered like the protocol's <c>DnsMode</c>.
/// <see cref="Unspecified"/> never means "forward everything": see <see cref="DnsModes.Enforced"/>.
/// </summary>
public enum DnsMode
{
    /// <summary>No mode was given; enforced as an <see cref="Allowlist"/> with no names.</summary>
    Unspecified = 0,
    /// <summary>No DNS filtering.</summary>
    Disabled = 1,
    /// <summary>Answer only names on the allow list.</summary>
    Allowlist = 2,
    /// <summary>Answer every name but those on the deny list.</summary>
    Denylist = 3,
    /// <summary>Ask the control plane for each query.</summary>
    Proxy = 4,
}
