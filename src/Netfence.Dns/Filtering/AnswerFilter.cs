using System.Net;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Filtering;

/// <summary>The address records an answer may teach, and the answer as the client will see it.</summary>
/// <param name="Learnable">On-chain A/AAAA addresses with their record TTLs (IPv4-mapped addresses folded to IPv4).</param>
/// <param name="Stripped">How many address records were removed by rebinding protection.</param>
/// <param name="Capped">How many address records were removed because the name already had its cap of distinct addresses.</param>
public sealed record FilteredAnswer(List<(IPAddress Address, uint Ttl)> Learnable, int Stripped, int Capped = 0);

/// <summary>
/// Applies pitfalls 17 and 18 to an upstream answer for an allowed name, in place: address records
/// whose owner is not on the CNAME chain from the question (which ends before a name the policy denies)
/// are removed (they teach nothing and the client could not connect to them), as are internal addresses when rebinding protection is on and no
/// CIDR rule explicitly allows them. Address records in the authority and additional sections are
/// removed for the same reason. A name teaches at most <c>maxAddresses</c> distinct addresses: the records
/// past the cap (in answer order) are removed too, so that the client is never handed an address the
/// kernel was not taught and would refuse.
/// </summary>
public static class AnswerFilter
{
    /// <summary>
    /// Filters <paramref name="answer"/> for <paramref name="question"/>; <paramref name="deniedName"/> tells the names
    /// a deny rule matches, where the CNAME chain ends (<see cref="CnameChain.Follow"/>).
    /// </summary>
    public static FilteredAnswer Apply(DnsMessage answer, DnsQuestion question, bool rebindingProtection, Func<IPAddress, bool> explicitlyAllowed,
        int maxAddresses = int.MaxValue, Func<DnsName, bool>? deniedName = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAddresses, 1);
        var chain = CnameChain.Follow(question.Name, answer.Answers, deniedName);
        var learnable = new List<(IPAddress, uint)>();
        var distinct = new HashSet<IPAddress>();
        int stripped = 0, capped = 0;
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
            // A repeated address (or its IPv4-mapped twin) costs nothing more; a new one past the cap would be unreachable.
            if (!distinct.Contains(address))
            {
                if (distinct.Count == maxAddresses)
                {
                    capped++;
                    return true;
                }
                distinct.Add(address);
            }
            learnable.Add((address, record.Ttl));
            return false;
        });
        answer.Authorities.RemoveAll(r => r.Type is DnsType.A or DnsType.AAAA);
        answer.Additionals.RemoveAll(r => r.Type is DnsType.A or DnsType.AAAA);
        return new FilteredAnswer(learnable, stripped, capped);
    }
}
