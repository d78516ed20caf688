using Netfence.ControlPlane.Policies;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Planning;

/// <summary>
/// Chooses the command that takes an attachment from the state its daemon holds to the desired one.
/// </summary>
/// <remarks>
/// <para>Exactly one difference becomes the single command for it (<c>set_mode</c>, <c>allow_cidr</c>,
/// <c>remove_domain</c>, ...): it is small, and it restarts no other rule's TTL, where a
/// <c>bulk_update</c> restarts all of them.</para>
/// <para>Two or more differences become one <c>bulk_update</c>, never a sequence of single commands:
/// the daemon applies a bulk update in one step, while a sequence passes through intermediate states
/// nobody asked for (switching to denylist before the deny entries arrive opens the filter, pitfall 9).
/// One command per change also makes the version meaningful: the daemon reports the version of the
/// last command it applied, and with one command that version names the whole state.</para>
/// <para>Without a known base (a v1 daemon that never confirms, a command still in flight, a daemon
/// whose reported version is not one we sent) only <c>bulk_update</c> is safe: a single command
/// applied to an unknown state yields an unknown state.</para>
/// </remarks>
static class CommandPlanner
{
    /// <summary>The command (without id and version) taking <paramref name="from"/> to <paramref name="to"/>; null when they are equal.</summary>
    public static Proto.ControlCommand? Plan(DesiredState? from, DesiredState to)
    {
        if (from is null) return Bulk(to);
        if (from.Version == to.Version) return null;
        if (!from.Dns.Upstreams.SequenceEqual(to.Dns.Upstreams)) return Bulk(to);

        var changes = new List<Proto.ControlCommand>(2);
        bool needsBulk = false;

        if (from.Mode != to.Mode) changes.Add(new() { SetMode = new Proto.SetMode { Mode = to.Mode.ToProto() } });
        if (from.Dns.Mode != to.Dns.Mode) changes.Add(new() { SetDnsMode = new Proto.SetDnsMode { Mode = to.Dns.Mode.ToProto() } });

        DiffCidrs(from.AllowCidrs, to.AllowCidrs, to.DenyCidrs, g => new() { AllowCidr = CommandMessages.CidrEntry(g) });
        DiffCidrs(from.DenyCidrs, to.DenyCidrs, to.AllowCidrs, g => new() { DenyCidr = CommandMessages.CidrEntry(g) });
        DiffDomains(from.Dns.AllowDomains, to.Dns.AllowDomains, to.Dns.DenyDomains, r => new() { AllowDomain = CommandMessages.DomainEntry(r) });
        DiffDomains(from.Dns.DenyDomains, to.Dns.DenyDomains, to.Dns.AllowDomains, r => new() { DenyDomain = CommandMessages.DomainEntry(r) });

        return needsBulk || changes.Count != 1 ? Bulk(to) : changes[0];

        void DiffCidrs(IReadOnlyList<CidrGrant> before, IReadOnlyList<CidrGrant> after, IReadOnlyList<CidrGrant> otherList, Func<CidrGrant, Proto.ControlCommand> add)
        {
            var old = before.ToDictionary(g => g.Network);
            var next = after.ToDictionary(g => g.Network);
            foreach (var (network, grant) in next)
            {
                if (!old.TryGetValue(network, out var was) || was.Ttl != grant.Ttl) changes.Add(add(grant));
            }
            foreach (var network in old.Keys.Where(n => !next.ContainsKey(n)))
            {
                // remove_cidr clears the network from both lists; when the other list keeps it, only a
                // full replacement says what we mean.
                if (otherList.Any(g => g.Network == network)) needsBulk = true;
                else changes.Add(new() { RemoveCidr = network.ToString() });
            }
        }

        void DiffDomains(IReadOnlyList<DomainRule> before, IReadOnlyList<DomainRule> after, IReadOnlyList<DomainRule> otherList, Func<DomainRule, Proto.ControlCommand> add)
        {
            var old = before.ToDictionary(r => r.Pattern, StringComparer.Ordinal);
            var next = after.ToDictionary(r => r.Pattern, StringComparer.Ordinal);
            foreach (var (pattern, rule) in next)
            {
                if (!old.TryGetValue(pattern, out var was) || was != rule) changes.Add(add(rule));
            }
            foreach (var pattern in old.Keys.Where(p => !next.ContainsKey(p)))
            {
                // remove_domain, like remove_cidr, clears both lists.
                if (otherList.Any(r => r.Pattern == pattern)) needsBulk = true;
                else changes.Add(new() { RemoveDomain = pattern });
            }
        }
    }

    static Proto.ControlCommand Bulk(DesiredState state) => new() { BulkUpdate = CommandMessages.BulkUpdate(state) };
}
