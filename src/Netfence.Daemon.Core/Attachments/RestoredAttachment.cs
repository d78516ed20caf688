using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// An attachment a restarted daemon found in its store with its target still present. <see cref="Learned"/> holds its
/// teachings as stored: each address through each chain of names (<see cref="LearnedIp.Aliases"/>) with its own expiry;
/// the kernel takes each address's longest, the DNS server the teachings themselves.
/// </summary>
public sealed record RestoredAttachment(string Id, ResolvedTarget Target, RuleSet Rules, IReadOnlyList<LearnedIp> Learned, IPEndPoint Dns);
