namespace Netfence.Policy.Validation;

/// <summary>
/// Input that cannot become policy. <see cref="Field"/> is the path of the first bad field as it is
/// spelled in the protocol (e.g. <c>allow_cidrs[3].cidr</c>) so that a control plane or operator can
/// find it; nothing of the rejected input has been applied when this is thrown.
/// </summary>
public sealed class PolicyValidationException : Exception
{
    /// <summary>Creates the error for <paramref name="field"/>.</summary>
    public PolicyValidationException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>The path of the bad field, e.g. <c>bulk_update.dns.allow_domains[0].domain</c>.</summary>
    public string Field { get; }

    /// <summary>What is wrong with it, without the field path.</summary>
    public string Problem { get; }

    /// <summary>The same problem reported under an enclosing field, e.g. <c>bulk_update</c>.</summary>
    public PolicyValidationException Under(string parent) => new($"{parent}.{Field}", Problem);
}
