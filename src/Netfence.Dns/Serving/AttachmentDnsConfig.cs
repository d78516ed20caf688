using System.Collections.Immutable;
using System.Net;
using Netfence.Dns.Filtering;

namespace Netfence.Dns.Serving;

/// <summary>
/// One configuration of an attachment's DNS server; replaced as a whole, never edited. <paramref name="Generation"/>
/// counts configurations (1 for the first), so that work judged under one can tell a later one was applied meanwhile.
/// </summary>
sealed record AttachmentDnsConfig(DomainRuleMatcher Matcher, ImmutableArray<IPEndPoint> Upstreams, Func<IPAddress, bool> ExplicitlyAllowed, int Generation)
{
    /// <summary>
    /// Whether a deny rule matches <paramref name="alias"/>, a CNAME target: an answer's chain ends before it
    /// (<see cref="AnswerFilter"/>), and a teaching through it is withdrawn. An unlisted target (a CDN's edge name) is not
    /// denied, in allowlist mode too.
    /// </summary>
    public bool DeniesAlias(string alias) => Matcher.MostSpecific(alias) == Verdict.Block;

    /// <summary><see cref="DeniesAlias"/> for the answer filter, made once per configuration rather than per answer.</summary>
    public Func<Wire.DnsName, bool> DeniesAliasName => field ??= name => DeniesAlias(name.Text);
}
