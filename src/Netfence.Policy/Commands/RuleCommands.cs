using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Policy.Commands;

/// <summary>
/// Applies one rule-changing <c>ControlCommand</c> to an attachment's current <see cref="RuleSet"/>,
/// producing the next one. The current rule set is never modified; on error nothing is applied and
/// the exception's field is the path inside the command (e.g. <c>bulk_update.allow_cidrs[3].cidr</c>).
/// </summary>
public static class RuleCommands
{
    /// <summary>The rule set after <paramref name="command"/>; TTLs count from <paramref name="now"/>.</summary>
    /// <exception cref="PolicyValidationException">The command is invalid or is not a rule change.</exception>
    public static RuleSet Apply(RuleSet current, Proto.ControlCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(command);
        return command.CommandCase switch
        {
            Proto.ControlCommand.CommandOneofCase.SetMode =>
                current.WithMode(PolicyModes.FromProto(command.SetMode.Mode, "set_mode.mode")),
            Proto.ControlCommand.CommandOneofCase.AllowCidr =>
                current.WithAllowed(RuleSetReader.FromCidrEntry(command.AllowCidr, now, "allow_cidr")),
            Proto.ControlCommand.CommandOneofCase.DenyCidr =>
                current.WithDenied(RuleSetReader.FromCidrEntry(command.DenyCidr, now, "deny_cidr")),
            // Removing a rule that is not there is not an error: a control plane may resend a removal.
            Proto.ControlCommand.CommandOneofCase.RemoveCidr =>
                current.Without(CidrRule.ParseNetwork(command.RemoveCidr, "remove_cidr")),
            Proto.ControlCommand.CommandOneofCase.BulkUpdate =>
                Nested("bulk_update", () => RuleSetReader.FromBulkUpdate(command.BulkUpdate, now)),
            Proto.ControlCommand.CommandOneofCase.SubscribedAck =>
                Nested("subscribed_ack", () => RuleSetReader.FromSubscribedAck(command.SubscribedAck, now)),
            Proto.ControlCommand.CommandOneofCase.SetDnsMode =>
                current.WithDns(current.Dns.WithMode(DnsModes.FromProto(command.SetDnsMode.Mode, "set_dns_mode.mode"))),
            Proto.ControlCommand.CommandOneofCase.AllowDomain =>
                current.WithDns(current.Dns.WithAllowed(RuleSetReader.FromDomainEntry(command.AllowDomain, "allow_domain"))),
            Proto.ControlCommand.CommandOneofCase.DenyDomain =>
                current.WithDns(current.Dns.WithDenied(RuleSetReader.FromDomainEntry(command.DenyDomain, "deny_domain"))),
            Proto.ControlCommand.CommandOneofCase.RemoveDomain =>
                current.WithDns(current.Dns.Without(RemovedPattern(command.RemoveDomain))),
            Proto.ControlCommand.CommandOneofCase.SyncAck =>
                throw new PolicyValidationException("sync_ack", "acknowledges a SyncRequest and changes no attachment's rules"),
            Proto.ControlCommand.CommandOneofCase.None =>
                throw new PolicyValidationException("command", "no command is set (a newer control plane may have sent one this daemon does not know)"),
            _ => throw new PolicyValidationException("command", $"command {(int)command.CommandCase} is not known to this daemon"),
        };
    }

    static string RemovedPattern(string text)
    {
        var (name, wildcard) = DomainRule.ParsePattern(text, "remove_domain");
        return wildcard ? "*." + name : name;
    }

    static RuleSet Nested(string field, Func<RuleSet> build)
    {
        try
        {
            return build();
        }
        catch (PolicyValidationException e)
        {
            throw e.Under(field);
        }
    }
}
