namespace Netfence.Daemon.Configuration;

/// <summary>The configuration cannot be used. <see cref="Errors"/> lists every problem, each naming its key and source.</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the error from one or more problems.</summary>
    public ConfigurationException(IReadOnlyList<string> errors)
        : base(errors.Count == 1 ? "invalid configuration: " + errors[0] : "invalid configuration:\n  - " + string.Join("\n  - ", errors))
    {
        Errors = errors;
    }

    /// <summary>The problems, one per line.</summary>
    public IReadOnlyList<string> Errors { get; }
}
