using System.Net;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Filtering;

/// <summary>The address records an answer may teach, and the answer as the client will see it.</summary>
/// <param name="Learnable">On-chain A/AAAA addresses with their record TTLs (IPv4-mapped addresses folded to IPv4).</param>
/// <param name="Stripped">How many address records were removed by rebinding protection.</param>
public sealed record FilteredAnswer(List<(IPAddress Address, uint Ttl)> Learnable, int Stripped);

/// <summary>
/// Applies pitfalls 17 and 18 to an upstream answer for an allowed name, in place: address records
/// whose owner is not on the CNAME chain from the question are removed (they teach nothing and the
/// client could not connect to them), as are internal addresses when rebinding protection is on and no
/// CIDR rule explicitly allows them. Address records in the authority and additional sections are
/// removed for the same reason.
/// </summary>
public static class AnswerFilter
{
    /// <summary>Filters <paramref name="answer"/> for <paramref name="question"/>.</summary>
    public static FilteredAnswer Apply(DnsMessage answer, DnsQuestion question, bool rebindingProtection, Func<IPAddress, bool> explicitlyAllowed)
    {
        var chain = CnameChain.Follow(question.Name, answer.Answers);
        var learnable = new List<(IPAddress, uint)>();
        int stripped = 0;
        answer.Answers.RemoveAll(record =>
        {
            if (record.Address is not { } address) return false;
            if (record.Class != DnsQuestion.ClassIn || !chain.Contains(record.Name)) return true;
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            if (rebindingProtection && RebindingGuard.IsInternal(address) && !explicitlyAllowed(address))
            {
                stripped++;
                return true;
            }
            learnable.Add((address, record.Ttl));
            return false;
        });
        answer.Authorities.RemoveAll(r => r.Type is DnsType.A or DnsType.AAAA);
        answer.Additionals.RemoveAll(r => r.Type is DnsType.A or DnsType.AAAA);
        return new FilteredAnswer(learnable, stripped);
    }
}
