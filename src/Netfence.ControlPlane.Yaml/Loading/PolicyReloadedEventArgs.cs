using Netfence.ControlPlane.Yaml.Policies;

namespace Netfence.ControlPlane.Yaml.Loading;

/// <summary>The outcome of reading a changed policy file.</summary>
public sealed class PolicyReloadedEventArgs(PolicyFile? policy, IReadOnlyList<string> errors) : EventArgs
{
    /// <summary>The new policy, or null when the file was rejected (the previous one stays).</summary>
    public PolicyFile? Policy { get; } = policy;

    /// <summary>Why the file was rejected; empty on success.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
