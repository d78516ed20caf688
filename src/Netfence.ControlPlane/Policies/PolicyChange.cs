namespace Netfence.ControlPlane.Policies;

/// <summary>
/// A hint that some attachments may now resolve to a different <see cref="DesiredState"/>. The SDK
/// re-resolves every connected attachment the hint covers and pushes commands only to those whose
/// state really differs, so an over-broad hint costs resolutions, never spurious commands.
/// </summary>
public sealed class PolicyChange
{
    PolicyChange(string reason, Func<AttachmentContext, bool>? affects)
    {
        Reason = reason;
        Affects = affects;
    }

    /// <summary>Why the change happened, for logs (e.g. "policy.yaml reloaded").</summary>
    public string Reason { get; }

    /// <summary>Which attachments to re-resolve; null means all of them.</summary>
    public Func<AttachmentContext, bool>? Affects { get; }

    /// <summary>Any attachment may have changed.</summary>
    public static PolicyChange All(string reason) => new(reason, null);

    /// <summary>Only attachments for which <paramref name="affects"/> is true may have changed.</summary>
    public static PolicyChange Where(string reason, Func<AttachmentContext, bool> affects) =>
        new(reason, affects ?? throw new ArgumentNullException(nameof(affects)));

    /// <summary>Only attachments whose metadata has every pair of <paramref name="selector"/>.</summary>
    public static PolicyChange Matching(string reason, IReadOnlyDictionary<string, string> selector)
    {
        var pairs = selector.ToArray();
        return new(reason, a => pairs.All(p => a.Metadata.TryGetValue(p.Key, out var v) && v == p.Value));
    }

    /// <summary>Whether <paramref name="attachment"/> is covered.</summary>
    public bool Covers(AttachmentContext attachment) => Affects?.Invoke(attachment) ?? true;
}
