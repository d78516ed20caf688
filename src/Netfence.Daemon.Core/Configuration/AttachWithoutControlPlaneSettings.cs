using Netfence.Policy.Modes;

namespace Netfence.Daemon.Configuration;

/// <summary>Attach behaviour while no control plane is connected.</summary>
/// <param name="Policy">Fail, or attach with <paramref name="DefaultMode"/>.</param>
/// <param name="DefaultMode">The mode of such an attachment (never <see cref="PolicyMode.Unspecified"/>).</param>
public sealed record AttachWithoutControlPlaneSettings(AttachWithoutControlPlanePolicy Policy, PolicyMode DefaultMode);
