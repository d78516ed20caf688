using Netfence.ControlPlane.Policies;

namespace Netfence.ControlPlane.Yaml.Policies;

/// <summary>
/// A validated policy file. The first rule whose selectors match wins; <see cref="Default"/> applies
/// when none does. First match rather than most specific because a reader can then tell which rule
/// applies by reading top to bottom, as with firewall rules, and no tie needs breaking; a rule that an
/// earlier one makes unreachable is rejected when the file is read.
/// </summary>
/// <param name="Source">The file's path, or "(embedded default policy)".</param>
/// <param name="Hash">SHA-256 of the file's bytes (hex), to recognise unchanged content.</param>
/// <param name="Rules">The rules in file order.</param>
/// <param name="Default">What unmatched attachments get: block-all unless the file says otherwise.</param>
public sealed record PolicyFile(string Source, string Hash, IReadOnlyList<PolicyRule> Rules, DesiredState Default)
{
    /// <summary>The first rule matching <paramref name="attachment"/>, or null for the default.</summary>
    public PolicyRule? Match(AttachmentContext attachment) => Rules.FirstOrDefault(r => r.Matches(attachment));

    /// <summary>The state <paramref name="attachment"/> gets.</summary>
    public DesiredState Resolve(AttachmentContext attachment) => Match(attachment)?.State ?? Default;
}
