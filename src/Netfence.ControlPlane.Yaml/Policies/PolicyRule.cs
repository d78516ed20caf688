using Netfence.ControlPlane.Policies;
using Netfence.Policy.Metadata;

namespace Netfence.ControlPlane.Yaml.Policies;

/// <summary>One entry of a policy file: selectors and the state an attachment they match gets.</summary>
/// <param name="Name">The entry's unique name.</param>
/// <param name="Line">Where it starts in the file (1-based).</param>
/// <param name="Match">Pairs the attachment's metadata must all have; empty matches every attachment.</param>
/// <param name="Daemon">Pairs the daemon's metadata must all have; empty matches every daemon.</param>
/// <param name="State">What a matching attachment enforces.</param>
public sealed record PolicyRule(string Name, long Line, AttachmentMetadata Match, AttachmentMetadata Daemon, DesiredState State)
{
    /// <summary>Whether <paramref name="attachment"/> has every pair of both selectors.</summary>
    public bool Matches(AttachmentContext attachment) => Has(attachment.Metadata, Match) && Has(attachment.DaemonMetadata, Daemon);

    /// <summary>
    /// Whether this entry matches every attachment that <paramref name="later"/> matches, so that
    /// <paramref name="later"/> can never be chosen when this entry comes first.
    /// </summary>
    public bool Shadows(PolicyRule later) => Has(later.Match, Match) && Has(later.Daemon, Daemon);

    static bool Has(AttachmentMetadata labels, AttachmentMetadata selector) =>
        selector.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value);
}
