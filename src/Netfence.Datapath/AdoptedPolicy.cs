using Netfence.Policy.Rules;

namespace Netfence.Datapath;

/// <summary>What a restarted daemon knows an attachment must enforce: its stored rules and learned IPs.</summary>
/// <param name="Target">The attachment.</param>
/// <param name="Rules">Its rule set as stored.</param>
/// <param name="Learned">Its learned IPs as stored (expired ones are ignored).</param>
/// <param name="Settings">Its DNS endpoint and exemptions.</param>
public sealed record AdoptedPolicy(AttachmentTarget Target, RuleSet Rules, IReadOnlyList<LearnedIp> Learned, AttachmentSettings Settings);
