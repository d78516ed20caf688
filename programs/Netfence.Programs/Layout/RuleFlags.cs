namespace Netfence.Programs.Layout;

/// <summary>Bits of <see cref="RuleValue.Flags"/>: one prefix can be allowed and denied at once, and deny wins.</summary>
public static class RuleFlags
{
    /// <summary>The prefix is allowed until <see cref="RuleValue.AllowExpiresNs"/>.</summary>
    public const uint Allow = 1;

    /// <summary>The prefix is denied until <see cref="RuleValue.DenyExpiresNs"/>.</summary>
    public const uint Deny = 2;
}
