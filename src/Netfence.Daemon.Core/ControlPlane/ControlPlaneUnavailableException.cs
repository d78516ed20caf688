namespace Netfence.Daemon.ControlPlane;

/// <summary>The control-plane stream is not connected, so a request that needs an answer from it cannot be made.</summary>
public sealed class ControlPlaneUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
