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
        var answers = answer.Answers;
        // Most answers have no CNAME: then the chain is the question name alone, and no set need be built.
        IReadOnlySet<DnsName>? chain = answers.Exists(static r => r.Type == DnsType.CNAME) ? CnameChain.Follow(question.Name, answers, deniedName) : null;
        var learnable = new List<(IPAddress, uint)>();
        // Distinct addresses kept so far (an answer holds a few; a linear scan beats hashing them).
        var distinct = new List<IPAddress>();
        int stripped = 0, capped = 0, kept = 0;
        for (int i = 0; i < answers.Count; i++)
        {
            var record = answers[i];
            if (!Keep(record)) continue;
            answers[kept++] = record;
        }
        answers.RemoveRange(kept, answers.Count - kept);
        RemoveAddressRecords(answer.Authorities);
        RemoveAddressRecords(answer.Additionals);
        return new FilteredAnswer(learnable, stripped, capped);

        bool Keep(DnsRecord record)
        {
            if (record.Address is not { } address) return true;
            if (record.Class != DnsQuestion.ClassIn || !(chain?.Contains(record.Name) ?? record.Name.Equals(question.Name))) return false;
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            if (rebindingProtection && RebindingGuard.IsInternal(address) && !explicitlyAllowed(address))
            {
                stripped++;
                return false;
            }
            // A repeated address (or its IPv4-mapped twin) costs nothing more; a new one past the cap would be unreachable.
            if (!distinct.Contains(address))
            {
                if (distinct.Count == maxAddresses)
                {
                    capped++;
                    return false;
                }
                distinct.Add(address);
            }
            learnable.Add((address, record.Ttl));
            return true;
        }
    }

    static void RemoveAddressRecords(List<DnsRecord> records)
    {
        if (records.Count == 0) return;
        records.RemoveAll(static r => r.Type is DnsType.A or DnsType.AAAA);
    }
}
