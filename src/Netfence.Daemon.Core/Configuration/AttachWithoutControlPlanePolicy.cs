namespace Netfence.Daemon.Configuration;

/// <summary>What Attach does when no control plane is connected.</summary>
public enum AttachWithoutControlPlanePolicy
{
    /// <summary>Attach fails.</summary>
    Fail,
    /// <summary>Attach succeeds with the configured default mode until the control plane answers.</summary>
    Default,
}
