namespace Netfence.ControlPlane.Status;

/// <summary>Whether a daemon currently holds a stream to this control plane.</summary>
public enum DaemonConnectionState
{
    /// <summary>The daemon's stream is open.</summary>
    Connected = 1,
    /// <summary>The stream ended; the daemon's attachments are kept for its resync.</summary>
    Disconnected = 2,
}
