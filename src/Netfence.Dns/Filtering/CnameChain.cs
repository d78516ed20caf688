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
    /// The names on the chain from <paramref name="question"/>, in order, question first; a chain that loops says so and
    /// teaches nothing. A target for which <paramref name="denied"/> holds is not on the chain, nor is anything reached
    /// through it; the path names it (an answer's shape depends on that name too: were it no longer denied, the chain
    /// would go on).
    /// </summary>
    public static Path Walk(DnsName question, IReadOnlyList<DnsRecord> answers, Func<DnsName, bool>? denied = null)
    {
        var names = new List<DnsName> { question };
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
            if (found != 1 || next is null) return new Path(names, null, false);
            if (denied is not null && denied(next)) return new Path(names, next, false);
            if (names.Contains(next)) return new Path(names, null, true);
            names.Add(next);
            current = next;
        }
        return new Path(names, null, false);
    }

    /// <summary>The chain in order, question first.</summary>
    /// <param name="Names">The names on the chain.</param>
    /// <param name="EndedBefore">The denied target the chain ended before, if any.</param>
    /// <param name="Loops">Whether the chain loops (then it teaches nothing).</param>
    public sealed record Path(IReadOnlyList<DnsName> Names, DnsName? EndedBefore, bool Loops);
}
