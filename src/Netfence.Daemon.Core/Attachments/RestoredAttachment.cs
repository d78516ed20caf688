using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Attachments;

/// <summary>An attachment a restarted daemon found in its store with its target still present.</summary>
public sealed record RestoredAttachment(string Id, ResolvedTarget Target, RuleSet Rules, IReadOnlyList<LearnedIp> Learned, IPEndPoint Dns);
