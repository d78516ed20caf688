using System.Collections.Immutable;
using System.Net;
using System.Text;

namespace Netfence.Policy.Rules;

/// <summary>
/// A destination learned from a DNS answer for an allowed name. It expires (pitfall 11) and is tied to
/// the domain that taught it so that removing or denying the domain revokes it.
/// </summary>
public sealed record LearnedIp(IPAddress Address, string Domain, DateTimeOffset ExpiresAt)
{
    readonly ImmutableArray<string> _aliases = [];

    /// <summary>
    /// The CNAME targets the answer led through from <see cref="Domain"/> (the question) to the owner of the address
    /// record, in order; empty when the question owns it. With the question they are the chain a rule change judges the
    /// teaching on again (a deny rule for any of them revokes it), so they are kept wherever the teaching is, the store
    /// included: a restarted daemon must judge it the same way.
    /// </summary>
    public ImmutableArray<string> Aliases
    {
        get => _aliases;
        init => _aliases = value.IsDefault ? [] : value;
    }

    /// <summary>Whether the entry no longer applies at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;

    /// <summary>Equal when address, question, aliases (in order) and expiry are.</summary>
    public bool Equals(LearnedIp? other) =>
        other is not null && Address.Equals(other.Address) && string.Equals(Domain, other.Domain, StringComparison.Ordinal)
        && ExpiresAt.Equals(other.ExpiresAt) && _aliases.SequenceEqual(other._aliases, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Address);
        hash.Add(Domain, StringComparer.Ordinal);
        hash.Add(ExpiresAt);
        foreach (var alias in _aliases) hash.Add(alias, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    // The generated printer would show the aliases as their array type's name.
    bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Address = ").Append(Address).Append(", Domain = ").Append(Domain).Append(", ExpiresAt = ").Append(ExpiresAt.ToString("O"));
        if (!_aliases.IsEmpty) builder.Append(", Aliases = [").AppendJoin(", ", _aliases).Append(']');
        return true;
    }
}
