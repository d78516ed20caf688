using Netfence.ControlPlane.Policies;

namespace Netfence.ControlPlane.Status;

/// <summary>A daemon answered a command.</summary>
public sealed class CommandResultEventArgs(string daemonId, string attachmentId, CommandOutcome outcome) : EventArgs
{
    /// <summary>The daemon.</summary>
    public string DaemonId { get; } = daemonId;
    /// <summary>The attachment the command addressed.</summary>
    public string AttachmentId { get; } = attachmentId;
    /// <summary>The answer.</summary>
    public CommandOutcome Outcome { get; } = outcome;
}

/// <summary>A daemon connected (synced) or its stream ended.</summary>
public sealed class DaemonConnectionEventArgs(string daemonId, DaemonConnectionState state) : EventArgs
{
    /// <summary>The daemon.</summary>
    public string DaemonId { get; } = daemonId;
    /// <summary>Its new state.</summary>
    public DaemonConnectionState State { get; } = state;
}

/// <summary>One attachment that a policy change sent a command to.</summary>
/// <param name="DaemonId">The daemon.</param>
/// <param name="AttachmentId">The attachment.</param>
/// <param name="Version">The new desired version.</param>
/// <param name="Command">The command's name as in the protocol (e.g. <c>bulk_update</c>, <c>allow_cidr</c>).</param>
public sealed record PushedUpdate(string DaemonId, string AttachmentId, string Version, string Command);

/// <summary>The outcome of processing one <see cref="PolicyChange"/>: every command it caused has been queued on its stream.</summary>
public sealed class PolicyChangeEventArgs(string reason, int resolved, IReadOnlyList<PushedUpdate> pushed) : EventArgs
{
    /// <summary>The change's reason.</summary>
    public string Reason { get; } = reason;
    /// <summary>How many attachments were re-resolved.</summary>
    public int Resolved { get; } = resolved;
    /// <summary>The attachments that got a command (exactly those whose desired state changed).</summary>
    public IReadOnlyList<PushedUpdate> Pushed { get; } = pushed;
}

/// <summary>A daemon's resync finished: every attachment it reported was compared with its policy.</summary>
public sealed class DaemonResyncedEventArgs(string daemonId, int resolved, IReadOnlyList<PushedUpdate> pushed) : EventArgs
{
    /// <summary>The daemon.</summary>
    public string DaemonId { get; } = daemonId;
    /// <summary>How many attachments it reported (and were resolved).</summary>
    public int Resolved { get; } = resolved;
    /// <summary>The attachments that needed a command (exactly those whose reported version differed).</summary>
    public IReadOnlyList<PushedUpdate> Pushed { get; } = pushed;
}
