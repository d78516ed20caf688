namespace Netfence.Daemon.Hosting;

/// <summary>netfenced cannot start; the message is the one line the operator sees (no stack trace).</summary>
sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
