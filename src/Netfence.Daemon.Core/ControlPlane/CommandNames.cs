using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>The protocol's names of command kinds, for logs and error messages a control-plane author can grep for.</summary>
static class CommandNames
{
    public static string Of(ControlCommand command) => command.CommandCase switch
    {
        ControlCommand.CommandOneofCase.SyncAck => "sync_ack",
        ControlCommand.CommandOneofCase.SetMode => "set_mode",
        ControlCommand.CommandOneofCase.AllowCidr => "allow_cidr",
        ControlCommand.CommandOneofCase.DenyCidr => "deny_cidr",
        ControlCommand.CommandOneofCase.RemoveCidr => "remove_cidr",
        ControlCommand.CommandOneofCase.BulkUpdate => "bulk_update",
        ControlCommand.CommandOneofCase.SetDnsMode => "set_dns_mode",
        ControlCommand.CommandOneofCase.AllowDomain => "allow_domain",
        ControlCommand.CommandOneofCase.DenyDomain => "deny_domain",
        ControlCommand.CommandOneofCase.RemoveDomain => "remove_domain",
        ControlCommand.CommandOneofCase.SubscribedAck => "subscribed_ack",
        _ => "an empty or unknown command",
    };
}
