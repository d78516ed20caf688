using Netfence.Bpf.Sdk;
using Helpers = Netfence.Bpf.Sdk.Bpf;
using Netfence.Programs.Layout;

namespace Netfence.Programs.Decisions;

/// <summary>
/// Longest-prefix match within one rule set, honouring expiry in the kernel: when the most specific entry has
/// expired entirely it counts as absent and the next shorter prefix is looked up, so an expired entry never shadows
/// (or grants) anything before the daemon sweeps it (pitfall 11).
/// </summary>
[BpfCode]
public static class Rules
{
    /// <summary>The active <see cref="RuleFlags"/> of the most specific live prefix covering the address; 0 for none.</summary>
    public static uint Match4(uint ruleSet, uint address)
    {
        Rule4Key key = default;
        key.PrefixLength = Rule4Key.HostPrefixLength;
        key.RuleSet = ruleSet;
        key.Address = address;
        // One iteration per prefix length from /32 down to /0; each iteration strictly shortens the prefix.
        for (int i = 0; i <= 32; i++)
        {
            ref readonly RuleValue value = ref Maps.Rules4.Lookup(key);
            if (BpfMap.IsMissing(in value))
                return 0;
            uint active = Active(value);
            if (active != 0)
                return active;
            uint next = value.PrefixLength < key.PrefixLength ? value.PrefixLength : key.PrefixLength;
            if (next <= Rule4Key.RuleSetBits)
                return 0;
            key.PrefixLength = next - 1;
        }

        // Unreachable with a consistent trie; a corrupt one must not open anything.
        return RuleFlags.Deny;
    }

    /// <summary>The IPv6 twin of <see cref="Match4"/>.</summary>
    public static uint Match6(uint ruleSet, in Destination destination)
    {
        Rule6Key key = default;
        key.PrefixLength = Rule6Key.HostPrefixLength;
        key.RuleSet = ruleSet;
        key.Address0 = destination.Ip6Word0;
        key.Address1 = destination.Ip6Word1;
        key.Address2 = destination.Ip6Word2;
        key.Address3 = destination.Ip6Word3;
        for (int i = 0; i <= 128; i++)
        {
            ref readonly RuleValue value = ref Maps.Rules6.Lookup(key);
            if (BpfMap.IsMissing(in value))
                return 0;
            uint active = Active(value);
            if (active != 0)
                return active;
            uint next = value.PrefixLength < key.PrefixLength ? value.PrefixLength : key.PrefixLength;
            if (next <= Rule4Key.RuleSetBits)
                return 0;
            key.PrefixLength = next - 1;
        }

        return RuleFlags.Deny;
    }

    // The halves of an entry that have not expired; deny wins, so a live deny hides a live allow. The clock is read
    // only for an entry with an expiry (permanent rules do not pay for it), and here rather than once per match: a
    // clock value carried from one loop iteration to the next would make the verifier walk each iteration twice
    // (read and not yet read), which tripled the instructions it processed.
    private static uint Active(in RuleValue value)
    {
        if ((value.AllowExpiresNs | value.DenyExpiresNs) == 0)
        {
            if ((value.Flags & RuleFlags.Deny) != 0)
                return RuleFlags.Deny;
            return (value.Flags & RuleFlags.Allow) != 0 ? RuleFlags.Allow : 0;
        }

        ulong now = Helpers.KtimeGetBootNs();
        bool deny = (value.Flags & RuleFlags.Deny) != 0 && (value.DenyExpiresNs == 0 || value.DenyExpiresNs > now);
        if (deny)
            return RuleFlags.Deny;
        bool allow = (value.Flags & RuleFlags.Allow) != 0 && (value.AllowExpiresNs == 0 || value.AllowExpiresNs > now);
        return allow ? RuleFlags.Allow : 0;
    }
}
