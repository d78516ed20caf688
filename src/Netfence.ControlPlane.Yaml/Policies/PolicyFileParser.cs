using System.Security.Cryptography;
using System.Text;
using Netfence.ControlPlane.Policies;
using Netfence.Policy.Addresses;
using Netfence.Policy.Commands;
using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Netfence.ControlPlane.Yaml.Policies;

/// <summary>
/// Reads a policy file strictly: every unknown key, wrong kind of value, invalid address, name, TTL or
/// selector, duplicate and unreachable rule is an error naming the file, the line and the key path
/// (e.g. <c>policy.yaml line 12: policies[0].allow_cidrs[1]: ...</c>). All errors are collected so one
/// edit can fix them all; a file with any error yields no policy at all.
/// </summary>
public static class PolicyFileParser
{
    static readonly string[] TopKeys = ["default", "policies"];
    static readonly string[] StateKeys = ["mode", "allow_cidrs", "deny_cidrs", "dns"];
    static readonly string[] RuleKeys = ["name", "match", "daemon", .. StateKeys];
    static readonly string[] DnsKeys = ["mode", "allow", "deny", "upstreams"];

    /// <summary>Parses <paramref name="text"/>, read from <paramref name="source"/> (used in messages).</summary>
    /// <exception cref="PolicyFileException">The file has one or more errors.</exception>
    public static PolicyFile Parse(string source, string text)
    {
        var errors = new List<string>();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var reader = new Reader(source, errors);
        var file = reader.File(text, hash);
        if (errors.Count > 0 || file is null) throw new PolicyFileException(errors);
        return file;
    }

    sealed class Reader(string source, List<string> errors)
    {
        void Error(YamlNode node, string key, string problem) => errors.Add($"{source} line {node.Start.Line}: {key}: {problem}");

        public PolicyFile? File(string text, string hash)
        {
            var yaml = new YamlStream();
            try
            {
                yaml.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                errors.Add($"{source} line {e.Start.Line} column {e.Start.Column}: {(e.InnerException ?? e).Message}");
                return null;
            }
            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            {
                // An empty file is far more often a half-written save than a wish to block everything.
                errors.Add($"{source} line 1: the file is empty; write 'policies: []' to block every attachment");
                return null;
            }
            if (yaml.Documents.Count > 1) errors.Add($"{source} line {yaml.Documents[1].RootNode.Start.Line}: the file holds {yaml.Documents.Count} YAML documents; a policy file is one");
            if (yaml.Documents[0].RootNode is not YamlMappingNode root)
            {
                Error(yaml.Documents[0].RootNode, "(top level)", $"must be a mapping with {string.Join(" and ", TopKeys)}");
                return null;
            }
            var map = Keys(root, "", TopKeys);
            var fallback = map.TryGetValue("default", out var d) ? State(d, "default") : DesiredState.BlockAll;
            // Indexes as in the file: an invalid entry is left out but must not renumber the ones after it.
            var rules = new List<(int Index, PolicyRule Rule)>();
            if (map.TryGetValue("policies", out var list))
            {
                if (list is YamlSequenceNode sequence)
                {
                    for (int i = 0; i < sequence.Children.Count; i++)
                    {
                        if (Rule(sequence.Children[i], $"policies[{i}]") is { } rule) rules.Add((i, rule));
                    }
                }
                else if (!IsNull(list))
                {
                    Error(list, "policies", $"must be a list of policies, not a {Kind(list)}");
                }
            }
            CheckRules(rules);
            return fallback is null ? null : new PolicyFile(source, hash, rules.Select(r => r.Rule).ToList(), fallback);
        }

        void CheckRules(List<(int Index, PolicyRule Rule)> rules)
        {
            var names = new Dictionary<string, PolicyRule>(StringComparer.Ordinal);
            for (int i = 0; i < rules.Count; i++)
            {
                var (index, rule) = rules[i];
                if (!names.TryAdd(rule.Name, rule))
                    errors.Add($"{source} line {rule.Line}: policies[{index}].name: '{rule.Name}' is also the name of the policy at line {names[rule.Name].Line}");
                var shadow = rules.Take(i).Select(r => r.Rule).FirstOrDefault(earlier => earlier.Shadows(rule));
                if (shadow is not null)
                    errors.Add($"{source} line {rule.Line}: policies[{index}]: '{rule.Name}' can never apply: '{shadow.Name}' (line {shadow.Line}) comes first and matches every attachment it matches; move the more specific policy up");
            }
        }

        PolicyRule? Rule(YamlNode node, string key)
        {
            if (node is not YamlMappingNode mapping)
            {
                Error(node, key, $"must be a mapping ({string.Join(", ", RuleKeys)}), not a {Kind(node)}");
                return null;
            }
            int before = errors.Count;
            var map = Keys(mapping, key + ".", RuleKeys);
            string? name = null;
            if (!map.TryGetValue("name", out var nameNode)) Error(mapping, key, "needs a name");
            else name = Scalar(nameNode, key + ".name");
            var match = map.TryGetValue("match", out var m) ? Selector(m, key + ".match") : AttachmentMetadata.Empty;
            var daemon = map.TryGetValue("daemon", out var dm) ? Selector(dm, key + ".daemon") : AttachmentMetadata.Empty;
            var state = StateOf(mapping, map, key);
            return errors.Count == before && name is not null && match is not null && daemon is not null && state is not null
                ? new PolicyRule(name, mapping.Start.Line, match, daemon, state)
                : null;
        }

        DesiredState? State(YamlNode node, string key)
        {
            if (node is not YamlMappingNode mapping)
            {
                Error(node, key, $"must be a mapping ({string.Join(", ", StateKeys)}), not a {Kind(node)}");
                return null;
            }
            return StateOf(mapping, Keys(mapping, key + ".", StateKeys), key);
        }

        DesiredState? StateOf(YamlMappingNode mapping, Dictionary<string, YamlNode> map, string key)
        {
            int before = errors.Count;
            PolicyMode? mode = null;
            if (!map.TryGetValue("mode", out var modeNode)) Error(mapping, key, "needs a mode (allowlist, denylist, block_all or disabled)");
            else mode = Scalar(modeNode, key + ".mode") switch
            {
                null => null,
                "allowlist" => PolicyMode.Allowlist,
                "denylist" => PolicyMode.Denylist,
                "block_all" => PolicyMode.BlockAll,
                "disabled" => PolicyMode.Disabled,
                var other => Fail<PolicyMode?>(modeNode, key + ".mode", $"'{other}' is not a mode; use allowlist, denylist, block_all or disabled"),
            };
            var allow = Cidrs(map.GetValueOrDefault("allow_cidrs"), key + ".allow_cidrs");
            var deny = Cidrs(map.GetValueOrDefault("deny_cidrs"), key + ".deny_cidrs");
            // Without a dns section nothing resolves: a policy that forgot DNS must not open a forwarder.
            var dns = map.TryGetValue("dns", out var dnsNode) ? Dns(dnsNode, key + ".dns") : new DnsPolicy(DnsMode.Allowlist, [], [], []);
            if (errors.Count > before || mode is null || dns is null) return null;
            return new DesiredState(mode.Value, allow, deny, dns);
        }

        List<CidrGrant> Cidrs(YamlNode? node, string key)
        {
            var grants = new List<CidrGrant>();
            if (node is null || IsNull(node)) return grants;
            if (node is not YamlSequenceNode sequence)
            {
                Error(node, key, $"must be a list of CIDRs, not a {Kind(node)}");
                return grants;
            }
            var lines = new Dictionary<System.Net.IPNetwork, long>();
            for (int i = 0; i < sequence.Children.Count; i++)
            {
                var item = sequence.Children[i];
                var itemKey = $"{key}[{i}]";
                string? cidr;
                TimeSpan? ttl = null;
                YamlNode cidrNode = item;
                if (item is YamlMappingNode entry)
                {
                    var map = Keys(entry, itemKey + ".", ["cidr", "ttl"]);
                    if (!map.TryGetValue("cidr", out var c)) { Error(entry, itemKey, "needs a cidr"); continue; }
                    cidrNode = c;
                    cidr = Scalar(c, itemKey + ".cidr");
                    if (map.TryGetValue("ttl", out var t)) ttl = Ttl(t, itemKey + ".ttl");
                }
                else
                {
                    cidr = Scalar(item, itemKey);
                }
                if (cidr is null) continue;
                try
                {
                    var grant = CidrGrant.Parse(cidr, ttl, itemKey);
                    if (!lines.TryAdd(grant.Network, cidrNode.Start.Line))
                    {
                        Error(cidrNode, itemKey, $"'{cidr}' is the same network ({grant.Network}) as line {lines[grant.Network]}");
                        continue;
                    }
                    grants.Add(grant);
                }
                catch (PolicyValidationException e)
                {
                    Error(cidrNode, e.Field, e.Problem);
                }
            }
            return grants;
        }

        TimeSpan? Ttl(YamlNode node, string key)
        {
            if (Scalar(node, key) is not { } text) return null;
            try
            {
                var ttl = DurationText.Parse(text);
                if (ttl <= TimeSpan.Zero || ttl > PolicyLimits.MaxTtl)
                    return Fail<TimeSpan?>(node, key, $"'{text}' must be positive and at most {PolicyLimits.MaxTtl.TotalDays} days; leave ttl out for a permanent rule");
                return ttl;
            }
            catch (FormatException e)
            {
                return Fail<TimeSpan?>(node, key, e.Message);
            }
        }

        DnsPolicy? Dns(YamlNode node, string key)
        {
            if (node is not YamlMappingNode mapping)
            {
                Error(node, key, $"must be a mapping ({string.Join(", ", DnsKeys)}), not a {Kind(node)}");
                return null;
            }
            int before = errors.Count;
            var map = Keys(mapping, key + ".", DnsKeys);
            DnsMode? mode = null;
            if (!map.TryGetValue("mode", out var modeNode)) Error(mapping, key, "needs a mode (allowlist, denylist, proxy or disabled)");
            else mode = Scalar(modeNode, key + ".mode") switch
            {
                null => null,
                "allowlist" => DnsMode.Allowlist,
                "denylist" => DnsMode.Denylist,
                "proxy" => DnsMode.Proxy,
                "disabled" => DnsMode.Disabled,
                var other => Fail<DnsMode?>(modeNode, key + ".mode", $"'{other}' is not a DNS mode; use allowlist, denylist, proxy or disabled"),
            };
            var allow = Domains(map.GetValueOrDefault("allow"), key + ".allow");
            var deny = Domains(map.GetValueOrDefault("deny"), key + ".deny");
            var upstreams = Upstreams(map.GetValueOrDefault("upstreams"), key + ".upstreams");
            return errors.Count > before || mode is null ? null : new DnsPolicy(mode.Value, allow, deny, upstreams);
        }

        List<DomainRule> Domains(YamlNode? node, string key)
        {
            var rules = new List<DomainRule>();
            if (node is null || IsNull(node)) return rules;
            if (node is not YamlSequenceNode sequence)
            {
                Error(node, key, $"must be a list of domains, not a {Kind(node)}");
                return rules;
            }
            var lines = new Dictionary<string, long>(StringComparer.Ordinal);
            for (int i = 0; i < sequence.Children.Count; i++)
            {
                var item = sequence.Children[i];
                var itemKey = $"{key}[{i}]";
                string? domain;
                bool subdomains = false;
                if (item is YamlMappingNode entry)
                {
                    var map = Keys(entry, itemKey + ".", ["domain", "include_subdomains"]);
                    if (!map.TryGetValue("domain", out var dn)) { Error(entry, itemKey, "needs a domain"); continue; }
                    domain = Scalar(dn, itemKey + ".domain");
                    if (map.TryGetValue("include_subdomains", out var sub))
                    {
                        switch (Scalar(sub, itemKey + ".include_subdomains"))
                        {
                            case "true": subdomains = true; break;
                            case "false": break;
                            case null: continue;
                            case var other: Error(sub, itemKey + ".include_subdomains", $"'{other}' is not true or false"); continue;
                        }
                    }
                }
                else
                {
                    domain = Scalar(item, itemKey);
                }
                if (domain is null) continue;
                try
                {
                    var rule = DomainRule.Parse(domain, subdomains, itemKey);
                    if (!lines.TryAdd(rule.Pattern, item.Start.Line))
                    {
                        Error(item, itemKey, $"'{domain}' is the same name ({rule.Pattern}) as line {lines[rule.Pattern]}");
                        continue;
                    }
                    rules.Add(rule);
                }
                catch (PolicyValidationException e)
                {
                    Error(item, e.Field, e.Problem);
                }
            }
            return rules;
        }

        List<System.Net.IPEndPoint> Upstreams(YamlNode? node, string key)
        {
            var endpoints = new List<System.Net.IPEndPoint>();
            if (node is null || IsNull(node)) return endpoints;
            if (node is not YamlSequenceNode sequence)
            {
                Error(node, key, $"must be a list of addresses, not a {Kind(node)}");
                return endpoints;
            }
            if (sequence.Children.Count > PolicyLimits.MaxUpstreams) Error(node, key, $"{sequence.Children.Count} servers; the limit is {PolicyLimits.MaxUpstreams}");
            for (int i = 0; i < sequence.Children.Count; i++)
            {
                var itemKey = $"{key}[{i}]";
                if (Scalar(sequence.Children[i], itemKey) is not { } text) continue;
                try
                {
                    var endpoint = Endpoint.Parse(text, RuleSetReader.DnsPort, itemKey);
                    if (endpoints.Contains(endpoint)) Error(sequence.Children[i], itemKey, $"'{text}' is listed twice (as {endpoint})");
                    else endpoints.Add(endpoint);
                }
                catch (PolicyValidationException e)
                {
                    Error(sequence.Children[i], e.Field, e.Problem);
                }
            }
            return endpoints;
        }

        AttachmentMetadata? Selector(YamlNode node, string key)
        {
            if (IsNull(node)) return AttachmentMetadata.Empty;
            if (node is not YamlMappingNode mapping)
            {
                Error(node, key, $"must be a mapping of metadata keys to values (e.g. {{vm_id: abc}}), not a {Kind(node)}");
                return null;
            }
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var (k, v) in mapping.Children)
            {
                if (k is not YamlScalarNode { Value: { } name }) { Error(k, key, "a key must be a plain name"); return null; }
                if (v is not YamlScalarNode { Value: { } value } || IsNull(v))
                {
                    Error(v, $"{key}.{name}", "needs a single value to match exactly");
                    return null;
                }
                pairs.Add(new(name, value));
            }
            try
            {
                return AttachmentMetadata.From(pairs, key);
            }
            catch (PolicyValidationException e)
            {
                Error(mapping, e.Field, e.Problem);
                return null;
            }
        }

        Dictionary<string, YamlNode> Keys(YamlMappingNode mapping, string prefix, string[] known)
        {
            var map = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (k, v) in mapping.Children)
            {
                if (k is not YamlScalarNode { Value: { } name })
                {
                    Error(k, prefix.TrimEnd('.'), "a key must be a plain name");
                    continue;
                }
                if (!known.Contains(name))
                {
                    Error(k, prefix + name, $"unknown key; known keys here: {string.Join(", ", known)}");
                    continue;
                }
                map[name] = v;
            }
            return map;
        }

        string? Scalar(YamlNode node, string key)
        {
            if (node is YamlScalarNode scalar && !IsNull(node) && scalar.Value is { } value) return value;
            return Fail<string?>(node, key, node is YamlScalarNode ? "needs a value" : $"needs a single value, not a {Kind(node)}");
        }

        T Fail<T>(YamlNode node, string key, string problem)
        {
            Error(node, key, problem);
            return default!;
        }
    }

    static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "single value",
    };
}
