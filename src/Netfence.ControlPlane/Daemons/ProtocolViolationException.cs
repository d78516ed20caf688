using Grpc.Core;

namespace Netfence.ControlPlane.Daemons;

/// <summary>A daemon sent something the protocol does not allow; the stream ends with <see cref="Code"/>.</summary>
sealed class ProtocolViolationException(StatusCode code, string message) : Exception(message)
{
    public StatusCode Code { get; } = code;
}
