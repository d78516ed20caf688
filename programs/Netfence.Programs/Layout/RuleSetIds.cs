namespace Netfence.Programs.Layout;

/// <summary>
/// Each attachment index owns two rule-set ids, so a bulk update can fill the inactive one while the active one
/// keeps enforcing, then flip. Id 0 belongs to nobody: a zeroed entry never matches a rule.
/// </summary>
public static class RuleSetIds
{
    /// <summary>The first (<paramref name="second"/> false) or second rule-set id of attachment index <paramref name="index"/>.</summary>
    public static uint For(uint index, bool second) => index * 2 + (second ? 2u : 1u);

    /// <summary>The other rule-set id of the same attachment.</summary>
    public static uint Other(uint ruleSet) => (ruleSet & 1) == 1 ? ruleSet + 1 : ruleSet - 1;
}
