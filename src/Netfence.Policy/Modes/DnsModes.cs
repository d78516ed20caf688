using Netfence.Policy.Validation;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Policy.Modes;

/// <summary>Conversions of <see cref="DnsMode"/> and the fail-closed enforcement decision.</summary>
public static class DnsModes
{
    /// <summary>
    /// The mode the DNS server must enforce. An unspecified or unknown mode becomes an allowlist, which
    /// with an empty list refuses every name: a DNS server must never start as an open forwarder
    /// (pitfalls 9 and 14).
    /// </summary>
    public static DnsMode Enforced(this DnsMode mode) => mode switch
    {
        DnsMode.Disabled or DnsMode.Allowlist or DnsMode.Denylist or DnsMode.Proxy => mode,
        _ => DnsMode.Allowlist,
    };

    /// <summary>Converts a protocol value; <c>DNS_MODE_UNSPECIFIED</c> is kept, unknown numbers are rejected.</summary>
    /// <exception cref="PolicyValidationException">The value is not a v1 mode.</exception>
    public static DnsMode FromProto(Proto.DnsMode mode, string field) =>
        Enum.IsDefined((DnsMode)(int)mode)
            ? (DnsMode)(int)mode
            : throw new PolicyValidationException(field,
                $"{(int)mode} is not a DnsMode this daemon knows (DNS_MODE_DISABLED, _ALLOWLIST, _DENYLIST or _PROXY)");

    /// <summary>The protocol value.</summary>
    public static Proto.DnsMode ToProto(this DnsMode mode) => (Proto.DnsMode)(int)mode;
}
