namespace Netfence.Daemon.Configuration;

/// <summary>Logging.</summary>
public sealed record LogSettings(LogFormat Format, LogVerbosity Level);
