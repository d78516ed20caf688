namespace Netfence.Policy.Rules;

/// <summary>Which names a <see cref="DomainRule"/> covers.</summary>
public enum DomainMatch
{
    /// <summary>The name itself only (<c>include_subdomains=false</c>).</summary>
    Exact = 0,
    /// <summary>The name and every name below it (<c>include_subdomains=true</c>).</summary>
    WithSubdomains = 1,
    /// <summary>Every name below it but not the name itself (the written form <c>*.example.com</c>).</summary>
    SubdomainsOnly = 2,
}
