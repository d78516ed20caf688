namespace Netfence.ControlPlane.Status;

/// <summary>A daemon's answer to one command (its CommandResult).</summary>
/// <param name="Version">The command's version, echoed.</param>
/// <param name="Accepted">True for ACK (applied in full), false for NACK (nothing applied).</param>
/// <param name="Field">For a NACK, the first bad field's path inside the command (e.g. <c>bulk_update.allow_cidrs[3].cidr</c>).</param>
/// <param name="Error">For a NACK, what was wrong.</param>
/// <param name="ReceivedAt">When the control plane received it.</param>
public sealed record CommandOutcome(string Version, bool Accepted, string Field, string Error, DateTimeOffset ReceivedAt);
