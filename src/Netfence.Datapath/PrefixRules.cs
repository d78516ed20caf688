using Netfence.Programs.Layout;

namespace Netfence.Datapath;

/// <summary>
/// What one attachment says about one prefix: the static allow and deny of its rule set (each with an optional
/// expiry) and an allow learned from DNS. They fold into one kernel <see cref="RuleValue"/>.
/// </summary>
internal sealed record PrefixRules(bool Allow, DateTimeOffset? AllowUntil, bool Deny, DateTimeOffset? DenyUntil, DateTimeOffset? LearnedUntil)
{
    public static PrefixRules None { get; } = new(false, null, false, null, null);

    public bool IsEmpty => !Allow && !Deny && LearnedUntil is null;

    public RuleValue ToValue(uint prefixLength, DateTimeOffset now, ulong bootNowNs)
    {
        var value = new RuleValue { PrefixLength = prefixLength };
        if (Allow || LearnedUntil is not null)
        {
            value.Flags |= RuleFlags.Allow;
            // A permanent static allow outlives any learned expiry; otherwise the later expiry counts.
            DateTimeOffset? until = Allow && AllowUntil is null ? null
                : Max(Allow ? AllowUntil : null, LearnedUntil);
            value.AllowExpiresNs = BootClock.ToBootNs(until, now, bootNowNs);
        }
        if (Deny)
        {
            value.Flags |= RuleFlags.Deny;
            value.DenyExpiresNs = BootClock.ToBootNs(DenyUntil, now, bootNowNs);
        }
        return value;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a > b ? a : b);
}
