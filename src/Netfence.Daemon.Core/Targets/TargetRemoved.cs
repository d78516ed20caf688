namespace Netfence.Daemon.Targets;

/// <summary>A watched target that no longer exists; <paramref name="Reason"/> says how it was noticed.</summary>
public sealed record TargetRemoved(WatchedTarget Target, string Reason);
