using Netfence.ControlPlane.Policies;

namespace Netfence.ControlPlane.Dns;

/// <summary>One query a daemon asks about.</summary>
/// <param name="AttachmentId">The attachment that sent it.</param>
/// <param name="Domain">The name in canonical form (lower case, no trailing dot, IDNA ASCII).</param>
/// <param name="QueryType">"A", "AAAA", ... as the daemon sent it.</param>
/// <param name="Attachment">The attachment if exactly one connected daemon holds it; null otherwise.</param>
public sealed record DnsQuery(string AttachmentId, string Domain, string QueryType, AttachmentContext? Attachment);
