using System.Net;
using Netfence.Dns.Wire;
using Netfence.Sandbox.Lab;

namespace Netfence.Attacks.KernelTests;

/// <summary>
/// The hostile upstream's zone (pitfall 17): <c>TOKEN.CASE.trap.allowed.example</c>, a subzone of a name every attacker
/// may resolve, answered by the lab's <see cref="HostileDnsServer"/> according to CASE. Each case hands out an address
/// that a correct DNS server must not teach (<see cref="Case.Evil"/>), beside — where the case has one — an address on
/// the CNAME chain that it must teach (<see cref="Case.OnChain"/>). A token per question keeps every answer out of the
/// caches of dnsmasq and of netfenced, so each attempt gets the hostile answer itself.
/// </summary>
static class TrapZone
{
    public const string Zone = "trap.allowed.example";

    /// <summary>The on-chain address of the answers that have one, and of the CDN control's alias target.</summary>
    const int OnChainHost = 60, CdnHost = 66;

    /// <summary>One kind of hostile answer.</summary>
    /// <param name="Label">The label under <see cref="Zone"/> that selects it.</param>
    /// <param name="Evil">The host (last octet) it must not open.</param>
    /// <param name="OnChain">The host it must open, if any.</param>
    /// <param name="What">What the answer does.</param>
    public sealed record Case(string Label, int? Evil, int? OnChain, string What);

    public static readonly Case OffChain = new("offchain", 61, OnChainHost, "an extra A record for evil.example, a name off the chain");
    public static readonly Case AliasToDenied = new("alias", 62, null, "a CNAME to denied.example (denied by a rule) and denied.example's A record");
    public static readonly Case Loop = new("loop", 63, null, "a CNAME loop between the question and another name, with A records for both");
    public static readonly Case Authority = new("authority", 64, OnChainHost, "an A record for the question name in the authority section");
    public static readonly Case Additional = new("additional", 65, OnChainHost, "an A record for the question name in the additional section");

    /// <summary>The control for <see cref="AliasToDenied"/>: a CNAME to a name no rule mentions (as a CDN's edge name) does teach its address.</summary>
    public static readonly Case AliasToCdn = new("cdn", null, CdnHost, "a CNAME to edge.cdn.example, a name no rule mentions, and its A record");

    public static IEnumerable<Case> All => [OffChain, AliasToDenied, Loop, Authority, Additional, AliasToCdn];

    public static Case Named(string label) => All.SingleOrDefault(c => c.Label == label)
        ?? throw new ArgumentException($"no trap case '{label}' (there are {string.Join(", ", All.Select(c => c.Label))})", nameof(label));

    /// <summary>Every host the answers name: the lab gives each a recording server.</summary>
    public static IEnumerable<int> Hosts => All.SelectMany(c => new[] { c.Evil, c.OnChain }).OfType<int>().Distinct();

    /// <summary>A fresh question name for <paramref name="case"/>.</summary>
    public static string Question(Case @case, string token) => $"{token}.{@case.Label}.{Zone}";

    /// <summary>The hostile server's script: the case is the label right under the zone.</summary>
    public static Func<DnsName, ScriptedAnswer?> Script(LabNetwork network) => question =>
    {
        var labels = question.Text.Split('.');
        if (labels.Length < 5) return null; // the zone itself and CASE.zone have no records
        var @case = All.SingleOrDefault(c => c.Label == labels[^4]);
        if (@case is null) return null;
        DnsRecord A(DnsName owner, int host) => DnsRecord.ForAddress(owner, network.Internet(host), 60);
        var denied = DnsName.Parse("denied.example");
        var cdn = DnsName.Parse("edge.cdn.example");
        var loop = DnsName.Parse($"{labels[0]}-back.{Zone}");
        return @case.Label switch
        {
            "offchain" => new ScriptedAnswer([A(question, OnChainHost), A(DnsName.Parse("evil.example"), 61)]),
            "alias" => new ScriptedAnswer([Cname(question, denied), A(denied, 62)]),
            "loop" => new ScriptedAnswer([Cname(question, loop), Cname(loop, question), A(question, 63), A(loop, 63)]),
            "authority" => new ScriptedAnswer([A(question, OnChainHost)], Authorities: [A(question, 64)]),
            "additional" => new ScriptedAnswer([A(question, OnChainHost)], Additionals: [A(question, 65)]),
            "cdn" => new ScriptedAnswer([Cname(question, cdn), A(cdn, CdnHost)]),
            _ => null,
        };
    };

    static DnsRecord Cname(DnsName owner, DnsName target) => new(owner, DnsType.CNAME, DnsQuestion.ClassIn, 60, target.Wire.ToArray(), target);
}
