namespace Netfence.ControlPlane.Yaml.Policies;

/// <summary>A policy file cannot be used. Each of <see cref="Errors"/> names the file, the line and the key.</summary>
public sealed class PolicyFileException : Exception
{
    /// <summary>Creates the error from one or more problems.</summary>
    public PolicyFileException(IReadOnlyList<string> errors)
        : base(errors.Count == 1 ? "invalid policy file: " + errors[0] : "invalid policy file:\n  - " + string.Join("\n  - ", errors))
    {
        Errors = errors;
    }

    /// <summary>The problems, each "path line N: key: problem".</summary>
    public IReadOnlyList<string> Errors { get; }
}
