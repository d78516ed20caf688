namespace Netfence.Daemon.ControlPlane;

/// <summary>The control plane broke the stream's rules (no SyncAck, a command before it); the link drops the stream and reconnects.</summary>
sealed class ProtocolException(string message) : Exception(message);
