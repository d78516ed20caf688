using System.Net;
using Google.Protobuf.Collections;
using Netfence.Policy.Addresses;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Policy.Commands;

/// <summary>
/// Builds validated <see cref="RuleSet"/>s and rules from protocol messages. Every check runs before
/// anything is returned, and the first bad field is reported by its path relative to the message
/// (e.g. <c>allow_cidrs[3].cidr</c>), so a caller either gets a complete rule set or applies nothing.
/// </summary>
public static class RuleSetReader
{
    /// <summary>The port of a DNS upstream given without one.</summary>
    public const int DnsPort = 53;

    /// <summary>The whole state a <c>BulkUpdate</c> describes; TTLs count from <paramref name="now"/>.</summary>
    /// <exception cref="PolicyValidationException">A field is invalid.</exception>
    public static RuleSet FromBulkUpdate(Proto.BulkUpdate update, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Build(update.Mode, update.AllowCidrs, update.DenyCidrs, update.Dns, now);
    }

    /// <summary>The initial state a <c>SubscribedAck</c> describes; TTLs count from <paramref name="now"/>.</summary>
    /// <exception cref="PolicyValidationException">A field is invalid.</exception>
    public static RuleSet FromSubscribedAck(Proto.SubscribedAck ack, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ack);
        return Build(ack.Mode, ack.AllowCidrs, ack.DenyCidrs, ack.Dns, now);
    }

    /// <summary>A DNS configuration; an absent message (null) means unspecified mode with no names.</summary>
    /// <exception cref="PolicyValidationException">A field is invalid; paths are relative to the <c>DnsConfig</c>.</exception>
    public static DnsPolicy FromDnsConfig(Proto.DnsConfig? config)
    {
        if (config is null) return DnsPolicy.RefuseAll;
        var mode = DnsModes.FromProto(config.Mode, "mode");
        var allow = Domains(config.AllowDomains, "allow_domains");
        var deny = Domains(config.DenyDomains, "deny_domains");
        if (config.UpstreamServers.Count > PolicyLimits.MaxUpstreams)
            throw new PolicyValidationException("upstream_servers", $"{config.UpstreamServers.Count} servers given; the limit is {PolicyLimits.MaxUpstreams}");
        var upstreams = new List<IPEndPoint>();
        for (int i = 0; i < config.UpstreamServers.Count; i++)
        {
            var field = $"upstream_servers[{i}]";
            var endpoint = Endpoint.Parse(config.UpstreamServers[i], DnsPort, field);
            if (upstreams.Contains(endpoint))
                throw new PolicyValidationException(field, $"'{config.UpstreamServers[i]}' is listed twice (as {endpoint})");
            upstreams.Add(endpoint);
        }
        return new DnsPolicy(mode, allow, deny, upstreams);
    }

    /// <summary>One CIDR rule; <paramref name="field"/> is the entry's path.</summary>
    /// <exception cref="PolicyValidationException">The CIDR or TTL is invalid.</exception>
    public static CidrRule FromCidrEntry(Proto.CIDREntry? entry, DateTimeOffset now, string field)
    {
        if (entry is null) throw new PolicyValidationException(field, "the entry is missing");
        var network = CidrRule.ParseNetwork(entry.Cidr, field + ".cidr");
        DateTimeOffset? expires = null;
        if (entry.Ttl is { } ttl)
        {
            var ttlField = field + ".ttl";
            if (ttl.Nanos is <= -1_000_000_000 or >= 1_000_000_000 || (ttl.Seconds > 0 && ttl.Nanos < 0) || (ttl.Seconds < 0 && ttl.Nanos > 0))
                throw new PolicyValidationException(ttlField, $"{ttl.Seconds}s {ttl.Nanos}ns is not a valid duration (seconds and nanos must agree in sign, |nanos| < 1e9)");
            if (ttl.Seconds < 0 || (ttl.Seconds == 0 && ttl.Nanos <= 0))
                throw new PolicyValidationException(ttlField, $"must be positive (got {ttl.Seconds}s {ttl.Nanos}ns); leave it unset for a permanent rule");
            if (ttl.Seconds > (long)PolicyLimits.MaxTtl.TotalSeconds)
                throw new PolicyValidationException(ttlField, $"{ttl.Seconds}s is longer than the limit of {PolicyLimits.MaxTtl.TotalDays} days");
            expires = now + ttl.ToTimeSpan();
        }
        return new CidrRule(network, expires);
    }

    /// <summary>One domain rule; <paramref name="field"/> is the entry's path.</summary>
    /// <exception cref="PolicyValidationException">The domain is invalid.</exception>
    public static DomainRule FromDomainEntry(Proto.DomainEntry? entry, string field)
    {
        if (entry is null) throw new PolicyValidationException(field, "the entry is missing");
        return DomainRule.Parse(entry.Domain, entry.IncludeSubdomains, field);
    }

    static RuleSet Build(Proto.PolicyMode protoMode, RepeatedField<Proto.CIDREntry> allowEntries, RepeatedField<Proto.CIDREntry> denyEntries, Proto.DnsConfig? dns, DateTimeOffset now)
    {
        var mode = PolicyModes.FromProto(protoMode, "mode");
        var allow = Cidrs(allowEntries, "allow_cidrs", now);
        var deny = Cidrs(denyEntries, "deny_cidrs", now);
        DnsPolicy dnsPolicy;
        try
        {
            dnsPolicy = FromDnsConfig(dns);
        }
        catch (PolicyValidationException e)
        {
            throw e.Under("dns");
        }
        return new RuleSet(mode, allow, deny, dnsPolicy);
    }

    static List<CidrRule> Cidrs(RepeatedField<Proto.CIDREntry> entries, string listField, DateTimeOffset now)
    {
        if (entries.Count > PolicyLimits.MaxCidrsPerList)
            throw new PolicyValidationException(listField, $"{entries.Count} entries given; the limit is {PolicyLimits.MaxCidrsPerList}");
        var rules = new List<CidrRule>(entries.Count);
        var firstIndex = new Dictionary<IPNetwork, int>();
        for (int i = 0; i < entries.Count; i++)
        {
            var field = $"{listField}[{i}]";
            var rule = FromCidrEntry(entries[i], now, field);
            // Two spellings of one network (e.g. a mapped and a plain IPv4 form) would disagree about
            // the expiry; refusing is clearer than picking one.
            if (!firstIndex.TryAdd(rule.Network, i))
                throw new PolicyValidationException(field + ".cidr", $"'{entries[i].Cidr}' is the same network ({rule.Network}) as {listField}[{firstIndex[rule.Network]}]");
            rules.Add(rule);
        }
        return rules;
    }

    static List<DomainRule> Domains(RepeatedField<Proto.DomainEntry> entries, string listField)
    {
        if (entries.Count > PolicyLimits.MaxDomainsPerList)
            throw new PolicyValidationException(listField, $"{entries.Count} entries given; the limit is {PolicyLimits.MaxDomainsPerList}");
        var rules = new List<DomainRule>(entries.Count);
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++)
        {
            var field = $"{listField}[{i}]";
            var rule = FromDomainEntry(entries[i], field);
            if (!firstIndex.TryAdd(rule.Pattern, i))
                throw new PolicyValidationException(field + ".domain", $"'{entries[i].Domain}' is the same name ({rule.Pattern}) as {listField}[{firstIndex[rule.Pattern]}]");
            rules.Add(rule);
        }
        return rules;
    }
}
