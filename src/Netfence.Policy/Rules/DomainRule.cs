using Netfence.Policy.Validation;

namespace Netfence.Policy.Rules;

/// <summary>One entry of a DNS allow or deny list: a canonical name (see <see cref="DomainName"/>) and what it covers.</summary>
public sealed record DomainRule(string Name, DomainMatch Match)
{
    /// <summary>
    /// The written form, which is also the rule's identity within a list: <c>example.com</c> for
    /// <see cref="DomainMatch.Exact"/> and <see cref="DomainMatch.WithSubdomains"/>, <c>*.example.com</c>
    /// for <see cref="DomainMatch.SubdomainsOnly"/>.
    /// </summary>
    public string Pattern => Match == DomainMatch.SubdomainsOnly ? "*." + Name : Name;

    /// <summary>Whether a canonical query name is covered.</summary>
    public bool Matches(string canonicalName) => Match switch
    {
        DomainMatch.Exact => canonicalName == Name,
        DomainMatch.WithSubdomains => canonicalName == Name || IsBelow(canonicalName),
        _ => IsBelow(canonicalName),
    };

    bool IsBelow(string canonicalName) =>
        canonicalName.Length > Name.Length + 1
        && canonicalName.EndsWith(Name, StringComparison.Ordinal)
        && canonicalName[canonicalName.Length - Name.Length - 1] == '.';

    /// <summary>
    /// Builds a rule from the protocol's <c>DomainEntry</c> fields. <c>*.example.com</c> means the names
    /// below example.com, not example.com itself, as in DNS wildcards; combining it with
    /// <c>include_subdomains=true</c> is rejected because the two disagree about the apex.
    /// </summary>
    /// <exception cref="PolicyValidationException">The domain is invalid; <paramref name="field"/> is the entry's path.</exception>
    public static DomainRule Parse(string domain, bool includeSubdomains, string field)
    {
        var (name, wildcard) = ParsePattern(domain, field + ".domain");
        if (wildcard && includeSubdomains)
            throw new PolicyValidationException(field + ".include_subdomains",
                $"'{domain}' already names the subdomains only; write '{name}' with include_subdomains=true to include {name} itself, or set include_subdomains=false");
        return new DomainRule(name, wildcard ? DomainMatch.SubdomainsOnly : includeSubdomains ? DomainMatch.WithSubdomains : DomainMatch.Exact);
    }

    /// <summary>Parses a written form: a name, or <c>*.</c> followed by a name. Returns the canonical name and whether it had the wildcard.</summary>
    /// <exception cref="PolicyValidationException">The text is invalid.</exception>
    public static (string Name, bool Wildcard) ParsePattern(string text, string field)
    {
        if (text is null) throw new PolicyValidationException(field, "the domain is missing");
        bool wildcard = text.StartsWith("*.", StringComparison.Ordinal);
        var rest = wildcard ? text[2..] : text;
        if (rest.Contains('*'))
            throw new PolicyValidationException(field, $"'{text}' has a '*' that is not the whole first label; only the form '*.example.com' is supported");
        return (DomainName.Normalize(rest, field), wildcard);
    }
}
