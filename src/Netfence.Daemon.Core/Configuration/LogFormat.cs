namespace Netfence.Daemon.Configuration;

/// <summary>How log lines are written.</summary>
public enum LogFormat
{
    /// <summary>Human-readable lines.</summary>
    Text,
    /// <summary>One JSON object per line.</summary>
    Json,
}
