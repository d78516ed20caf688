using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>The CommandResult events the link itself produces.</summary>
static class CommandResults
{
    /// <summary>A NACK for <paramref name="command"/>, echoing its id and version.</summary>
    public static CommandResult Nack(ControlCommand command, string field, string error) => new()
    {
        Id = command.Id,
        Version = command.Version,
        Status = CommandStatus.Nack,
        Field = field,
        Error = error,
    };
}
