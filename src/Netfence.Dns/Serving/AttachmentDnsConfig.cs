using System.Collections.Immutable;
using System.Net;
using Netfence.Dns.Filtering;

namespace Netfence.Dns.Serving;

/// <summary>One configuration of an attachment's DNS server; replaced as a whole, never edited.</summary>
sealed record AttachmentDnsConfig(DomainRuleMatcher Matcher, ImmutableArray<IPEndPoint> Upstreams, Func<IPAddress, bool> ExplicitlyAllowed);
