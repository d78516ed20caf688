using Netfence.Dns.Wire;

namespace Netfence.Dns.Filtering;

/// <summary>
/// The names an answer may teach addresses for (pitfall 17): the question name and the names reached
/// from it by following CNAME records of the answer section, whatever their order. Address records of
/// any other owner are ignored, so an upstream (or a spoofer) cannot slip an unrelated name's address
/// into an allowed answer. A chain that loops teaches nothing; an owner with two CNAMEs ends the chain.
/// A name the policy explicitly denies also ends it: an allowed alias must not reopen what a deny rule closed, while a
/// target that is merely unlisted (a CDN's edge name) is followed, as every allowed name behind a CDN needs.
/// </summary>
public static class CnameChain
{
    /// <summary>The longest chain followed; resolvers give up far earlier.</summary>
    public const int MaxLength = 16;

    /// <summary>
    /// The names on the chain from <paramref name="question"/>; empty if the chain loops. A target for which
    /// <paramref name="denied"/> holds is not on the chain, nor is anything reached through it.
    /// </summary>
    public static IReadOnlySet<DnsName> Follow(DnsName question, IReadOnlyList<DnsRecord> answers, Func<DnsName, bool>? denied = null)
    {
        var chain = new HashSet<DnsName> { question };
        var current = question;
        for (int step = 0; step < MaxLength; step++)
        {
            DnsName? next = null;
            int found = 0;
            foreach (var record in answers)
            {
                if (record.Type != DnsType.CNAME || record.Class != DnsQuestion.ClassIn || !record.Name.Equals(current)) continue;
                next = record.Target;
                found++;
            }
            if (found != 1 || next is null || (denied is not null && denied(next))) return chain;
            if (!chain.Add(next)) return new HashSet<DnsName>();
            current = next;
        }
        return chain;
    }
}
