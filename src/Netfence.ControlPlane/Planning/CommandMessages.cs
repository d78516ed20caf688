using Google.Protobuf.WellKnownTypes;
using Netfence.ControlPlane.Policies;
using Netfence.Policy.Addresses;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Planning;

/// <summary>Protocol messages for a <see cref="DesiredState"/> and its parts.</summary>
static class CommandMessages
{
    public static Proto.SubscribedAck SubscribedAck(DesiredState state)
    {
        var ack = new Proto.SubscribedAck { Mode = state.Mode.ToProto(), Dns = DnsConfig(state.Dns) };
        ack.AllowCidrs.AddRange(state.AllowCidrs.Select(CidrEntry));
        ack.DenyCidrs.AddRange(state.DenyCidrs.Select(CidrEntry));
        return ack;
    }

    public static Proto.BulkUpdate BulkUpdate(DesiredState state)
    {
        var update = new Proto.BulkUpdate { Mode = state.Mode.ToProto(), Dns = DnsConfig(state.Dns) };
        update.AllowCidrs.AddRange(state.AllowCidrs.Select(CidrEntry));
        update.DenyCidrs.AddRange(state.DenyCidrs.Select(CidrEntry));
        return update;
    }

    public static Proto.DnsConfig DnsConfig(DnsPolicy dns)
    {
        var config = new Proto.DnsConfig { Mode = dns.Mode.ToProto() };
        config.AllowDomains.AddRange(dns.AllowDomains.Select(DomainEntry));
        config.DenyDomains.AddRange(dns.DenyDomains.Select(DomainEntry));
        config.UpstreamServers.AddRange(dns.Upstreams.Select(Endpoint.Format));
        return config;
    }

    public static Proto.CIDREntry CidrEntry(CidrGrant grant)
    {
        var entry = new Proto.CIDREntry { Cidr = grant.Network.ToString() };
        if (grant.Ttl is { } ttl) entry.Ttl = Duration.FromTimeSpan(ttl);
        return entry;
    }

    // The "*.x" form is spelled as a pattern with include_subdomains=false, the protocol's only way
    // to say "below x but not x".
    public static Proto.DomainEntry DomainEntry(DomainRule rule) =>
        new() { Domain = rule.Pattern, IncludeSubdomains = rule.Match == DomainMatch.WithSubdomains };

    /// <summary>The protocol's name of the command case, for logs and reports.</summary>
    public static string Name(Proto.ControlCommand command) => command.CommandCase switch
    {
        Proto.ControlCommand.CommandOneofCase.SyncAck => "sync_ack",
        Proto.ControlCommand.CommandOneofCase.SetMode => "set_mode",
        Proto.ControlCommand.CommandOneofCase.AllowCidr => "allow_cidr",
        Proto.ControlCommand.CommandOneofCase.DenyCidr => "deny_cidr",
        Proto.ControlCommand.CommandOneofCase.RemoveCidr => "remove_cidr",
        Proto.ControlCommand.CommandOneofCase.BulkUpdate => "bulk_update",
        Proto.ControlCommand.CommandOneofCase.SetDnsMode => "set_dns_mode",
        Proto.ControlCommand.CommandOneofCase.AllowDomain => "allow_domain",
        Proto.ControlCommand.CommandOneofCase.DenyDomain => "deny_domain",
        Proto.ControlCommand.CommandOneofCase.RemoveDomain => "remove_domain",
        Proto.ControlCommand.CommandOneofCase.SubscribedAck => "subscribed_ack",
        _ => "none",
    };
}
