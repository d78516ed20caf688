namespace Netfence.Daemon.Configuration;

/// <summary>The least severe log level written.</summary>
public enum LogVerbosity
{
    /// <summary>Everything.</summary>
    Trace,
    /// <summary>Diagnostics.</summary>
    Debug,
    /// <summary>Normal operation.</summary>
    Information,
    /// <summary>Problems that do not stop the daemon.</summary>
    Warning,
    /// <summary>Failures only.</summary>
    Error,
}
