using Netfence.Policy.Validation;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Policy.Modes;

/// <summary>Conversions of <see cref="PolicyMode"/> and the fail-closed enforcement decision.</summary>
public static class PolicyModes
{
    /// <summary>
    /// The mode the datapath must enforce. Anything that is not a known, explicit mode is enforced
    /// as <see cref="PolicyMode.BlockAll"/>: a control plane that forgot the field, or a value from a
    /// newer protocol, must close the filter, never open it (pitfall 9).
    /// </summary>
    public static PolicyMode Enforced(this PolicyMode mode) => mode switch
    {
        PolicyMode.Disabled or PolicyMode.Allowlist or PolicyMode.BlockAll or PolicyMode.Denylist => mode,
        _ => PolicyMode.BlockAll,
    };

    /// <summary>
    /// Converts a protocol value. <c>POLICY_MODE_UNSPECIFIED</c> is kept (and enforced as block-all);
    /// a number this build does not know is rejected, because applying it would be a guess.
    /// </summary>
    /// <exception cref="PolicyValidationException">The value is not a v1 mode.</exception>
    public static PolicyMode FromProto(Proto.PolicyMode mode, string field) =>
        Enum.IsDefined((PolicyMode)(int)mode)
            ? (PolicyMode)(int)mode
            : throw new PolicyValidationException(field,
                $"{(int)mode} is not a PolicyMode this daemon knows (POLICY_MODE_DISABLED, _ALLOWLIST, _BLOCK_ALL or _DENYLIST)");

    /// <summary>The protocol value.</summary>
    public static Proto.PolicyMode ToProto(this PolicyMode mode) => (Proto.PolicyMode)(int)mode;
}
