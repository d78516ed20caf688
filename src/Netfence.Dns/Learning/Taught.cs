using System.Collections.Immutable;
using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Learning;

/// <summary>One address an answer teaches, until when, and through which names (<see cref="TeachingChain"/>).</summary>
public readonly record struct Taught(IPAddress Address, DateTimeOffset ExpiresAt, TeachingChain Chain)
{
    /// <summary>The teaching as the store keeps it: the question as its domain, the names after it as its aliases.</summary>
    public LearnedIp ToLearnedIp() =>
        new(Address, Chain.Question, ExpiresAt) { Aliases = ImmutableArray.Create(Chain.Names, 1, Chain.Names.Length - 1) };

    /// <summary>The teaching a stored <paramref name="learned"/> records.</summary>
    /// <exception cref="ArgumentException">Its domain or an alias is empty.</exception>
    public static Taught From(LearnedIp learned)
    {
        ArgumentNullException.ThrowIfNull(learned);
        return new Taught(learned.Address, learned.ExpiresAt, TeachingChain.Through([learned.Domain, .. learned.Aliases]));
    }
}
