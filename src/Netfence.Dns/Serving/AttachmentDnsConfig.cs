using System.Collections.Immutable;
using System.Net;
using Netfence.Dns.Filtering;

namespace Netfence.Dns.Serving;

/// <summary>
/// One configuration of an attachment's DNS server; replaced as a whole, never edited. <paramref name="Generation"/>
/// counts configurations (1 for the first), so that work judged under one can tell a later one was applied meanwhile.
/// </summary>
sealed record AttachmentDnsConfig(DomainRuleMatcher Matcher, ImmutableArray<IPEndPoint> Upstreams, Func<IPAddress, bool> ExplicitlyAllowed, int Generation);
