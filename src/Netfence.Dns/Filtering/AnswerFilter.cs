using System.Net;
using Netfence.Dns.Learning;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Filtering;

/// <summary>The address records an answer may teach, and the answer as the client will see it.</summary>
/// <param name="Learnable">On-chain A/AAAA addresses with their record TTLs (IPv4-mapped addresses folded to IPv4) and the chain of names each was taught through.</param>
/// <param name="Stripped">How many address records were removed by rebinding protection.</param>
/// <param name="Capped">How many address records were removed because the name already had its cap of distinct addresses.</param>
/// <param name="DependsOn">
/// The names the filtered answer's shape depends on: the chain's, and the denied target it ended before. A rule change
/// for none of them leaves the answer as it is.
/// </param>
/// <param name="ConsultedCidrs">Whether an internal address was judged against the CIDR rules (then a CIDR change may change the answer).</param>
public sealed record FilteredAnswer(List<LearnableAddress> Learnable, int Stripped, int Capped, IReadOnlyList<string> DependsOn, bool ConsultedCidrs);

/// <summary>An address an answer teaches: its record's TTL, and the names from the question to the record's owner.</summary>
public readonly record struct LearnableAddress(IPAddress Address, uint Ttl, TeachingChain Chain);

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
    /// a deny rule matches, where the CNAME chain ends (<see cref="CnameChain.Walk"/>).
    /// </summary>
    public static FilteredAnswer Apply(DnsMessage answer, DnsQuestion question, bool rebindingProtection, Func<IPAddress, bool> explicitlyAllowed,
        int maxAddresses = int.MaxValue, Func<DnsName, bool>? deniedName = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAddresses, 1);
        var answers = answer.Answers;
        // Most answers have no CNAME: then the chain is the question name alone, and no walk need be made.
        var path = answers.Exists(static r => r.Type == DnsType.CNAME) ? CnameChain.Walk(question.Name, answers, deniedName) : null;
        // The teaching chain of each name on the path: the path up to it (a record's owner), made when first needed.
        var chains = path is null ? null : new TeachingChain?[path.Names.Count];
        TeachingChain? direct = null;
        var learnable = new List<LearnableAddress>(answers.Count);
        // Distinct addresses kept so far: those of learnable, which holds every kept address record's (an answer holds a
        // few; a linear scan beats hashing them).
        int distinct = 0;
        int stripped = 0, capped = 0, kept = 0;
        bool consultedCidrs = false;
        for (int i = 0; i < answers.Count; i++)
        {
            var record = answers[i];
            if (!Keep(record)) continue;
            answers[kept++] = record;
        }
        answers.RemoveRange(kept, answers.Count - kept);
        RemoveAddressRecords(answer, Section.Authority);
        RemoveAddressRecords(answer, Section.Additional);
        List<string> dependsOn = path is null ? [question.Name.Text] : [.. path.Names.Select(n => n.Text)];
        if (path?.EndedBefore is { } endedBefore) dependsOn.Add(endedBefore.Text);
        return new FilteredAnswer(learnable, stripped, capped, dependsOn, consultedCidrs);

        bool Keep(DnsRecord record)
        {
            if (record.Address is not { } address) return true;
            if (record.Class != DnsQuestion.ClassIn) return false;
            int owner = OwnerIndex(record.Name);
            if (owner < 0) return false;
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            if (rebindingProtection && RebindingGuard.IsInternal(address))
            {
                consultedCidrs = true;
                if (!explicitlyAllowed(address))
                {
                    stripped++;
                    return false;
                }
            }
            // A repeated address (or its IPv4-mapped twin) costs nothing more; a new one past the cap would be unreachable.
            if (!Learned(address))
            {
                if (distinct == maxAddresses)
                {
                    capped++;
                    return false;
                }
                distinct++;
            }
            var chain = chains is null ? direct ??= TeachingChain.Of(question.Name.Text) : chains[owner] ??= ChainTo(owner);
            learnable.Add(new LearnableAddress(address, record.Ttl, chain));
            return true;
        }

        bool Learned(IPAddress address)
        {
            foreach (var l in learnable)
            {
                if (l.Address.Equals(address)) return true;
            }
            return false;
        }

        // Where the record's owner is on the chain; -1 if it is not (a looping chain has no names).
        int OwnerIndex(DnsName owner)
        {
            if (path is null) return owner.Equals(question.Name) ? 0 : -1;
            if (path.Loops) return -1;
            for (int i = 0; i < path.Names.Count; i++)
            {
                if (path.Names[i].Equals(owner)) return i;
            }
            return -1;
        }

        TeachingChain ChainTo(int owner) => TeachingChain.Through(path!.Names.Take(owner + 1).Select(n => n.Text));
    }

    static void RemoveAddressRecords(DnsMessage message, Section section)
    {
        if (message.Records(section).IsEmpty) return;
        (section == Section.Authority ? message.Authorities : message.Additionals).RemoveAll(static r => r.Type is DnsType.A or DnsType.AAAA);
    }
}
