using System.Net;
using Netfence.ControlPlane.Planning;
using Netfence.ControlPlane.Policies;
using Netfence.Policy.Commands;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Tests.Sdk;

public sealed class CommandPlannerTests
{
    static readonly DesiredState Base = State(PolicyMode.Allowlist, ["10.0.0.0/8", "192.0.2.0/24"], ["203.0.113.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"]);

    static DesiredState State(PolicyMode mode, string[] allow, string[] deny, DnsMode dnsMode, string[] allowDomains, string[] denyDomains, string[]? upstreams = null) =>
        new(mode, allow.Select(c => CidrGrant.Parse(c)), deny.Select(c => CidrGrant.Parse(c)),
            new DnsPolicy(dnsMode, allowDomains.Select(d => DomainRule.Parse(d, false, "d")), denyDomains.Select(d => DomainRule.Parse(d, false, "d")),
                (upstreams ?? []).Select(IPEndPoint.Parse)));

    public static TheoryData<string, DesiredState> SingleChanges => new()
    {
        { "set_mode", State(PolicyMode.Denylist, ["10.0.0.0/8", "192.0.2.0/24"], ["203.0.113.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"]) },
        { "set_dns_mode", State(PolicyMode.Allowlist, ["10.0.0.0/8", "192.0.2.0/24"], ["203.0.113.0/24"], DnsMode.Proxy, ["example.com"], ["bad.example"]) },
        { "allow_cidr", State(PolicyMode.Allowlist, ["10.0.0.0/8", "192.0.2.0/24", "198.51.100.0/24"], ["203.0.113.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"]) },
        { "remove_cidr", State(PolicyMode.Allowlist, ["10.0.0.0/8"], ["203.0.113.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"]) },
        { "deny_cidr", State(PolicyMode.Allowlist, ["10.0.0.0/8", "192.0.2.0/24"], ["203.0.113.0/24", "198.51.100.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"]) },
        { "allow_domain", State(PolicyMode.Allowlist, ["10.0.0.0/8", "192.0.2.0/24"], ["203.0.113.0/24"], DnsMode.Allowlist, ["example.com", "*.example.org"], ["bad.example"]) },
        { "remove_domain", State(PolicyMode.Allowlist, ["10.0.0.0/8", "192.0.2.0/24"], ["203.0.113.0/24"], DnsMode.Allowlist, [], ["bad.example"]) },
        { "deny_domain", State(PolicyMode.Allowlist, ["10.0.0.0/8", "192.0.2.0/24"], ["203.0.113.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example", "worse.example"]) },
    };

    [Theory]
    [MemberData(nameof(SingleChanges))]
    public void One_difference_is_one_single_command_that_the_daemon_turns_into_the_desired_state(string expected, DesiredState desired)
    {
        var command = CommandPlanner.Plan(Base, desired)!;

        Assert.Equal(expected, CommandMessages.Name(command));
        AssertDaemonReaches(Base, command, desired);
    }

    public static TheoryData<DesiredState> BulkChanges => new()
    {
        // Two differences: never a sequence that passes through a state nobody asked for.
        State(PolicyMode.Denylist, ["10.0.0.0/8", "192.0.2.0/24"], ["203.0.113.0/24", "198.51.100.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"]),
        // Upstreams have no single command.
        State(PolicyMode.Allowlist, ["10.0.0.0/8", "192.0.2.0/24"], ["203.0.113.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"], ["9.9.9.9:53"]),
        // remove_cidr would also drop 192.0.2.0/24 from the deny list the desired state keeps it in.
        State(PolicyMode.Allowlist, ["10.0.0.0/8"], ["203.0.113.0/24", "192.0.2.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"]),
    };

    [Theory]
    [MemberData(nameof(BulkChanges))]
    public void Several_differences_or_ones_without_a_safe_single_command_are_one_bulk_update(DesiredState desired)
    {
        var command = CommandPlanner.Plan(Base, desired)!;

        Assert.Equal(Proto.ControlCommand.CommandOneofCase.BulkUpdate, command.CommandCase);
        AssertDaemonReaches(Base, command, desired);
    }

    [Fact]
    public void An_unknown_base_is_a_bulk_update_and_an_equal_one_is_nothing()
    {
        Assert.Equal(Proto.ControlCommand.CommandOneofCase.BulkUpdate, CommandPlanner.Plan(null, Base)!.CommandCase);
        Assert.Null(CommandPlanner.Plan(Base, State(PolicyMode.Allowlist, ["192.0.2.0/24", "10.0.0.0/8"], ["203.0.113.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"])));
    }

    [Fact]
    public void A_changed_ttl_is_an_allow_cidr_that_replaces_the_entry()
    {
        var desired = new DesiredState(PolicyMode.Allowlist, [CidrGrant.Parse("10.0.0.0/8", TimeSpan.FromHours(1)), CidrGrant.Parse("192.0.2.0/24")],
            [CidrGrant.Parse("203.0.113.0/24")], Base.Dns);

        var command = CommandPlanner.Plan(Base, desired)!;

        Assert.Equal(("10.0.0.0/8", 3600L), (command.AllowCidr.Cidr, command.AllowCidr.Ttl.Seconds));
    }

    [Fact]
    public void The_version_depends_on_content_not_on_order()
    {
        var reordered = State(PolicyMode.Allowlist, ["192.0.2.0/24", "10.0.0.0/8"], ["203.0.113.0/24"], DnsMode.Allowlist, ["example.com"], ["bad.example"]);
        Assert.Equal(Base.Version, reordered.Version);
        Assert.Equal(Base, reordered);
        Assert.NotEqual(Base.Version, DesiredState.BlockAll.Version);
        Assert.Matches("^[0-9a-f]{16}$", Base.Version);
    }

    // Applies the planned command with the daemon's own code and compares the outcome with the desired state.
    static void AssertDaemonReaches(DesiredState from, Proto.ControlCommand command, DesiredState desired)
    {
        var now = DateTimeOffset.UnixEpoch;
        var start = RuleSetReader.FromBulkUpdate(CommandMessages.BulkUpdate(from), now);
        var reached = RuleCommands.Apply(start, command, now);
        var expected = RuleSetReader.FromBulkUpdate(CommandMessages.BulkUpdate(desired), now);
        Assert.Equal(expected.Mode, reached.Mode);
        Assert.Equal(expected.AllowCidrs.OrderBy(r => r.Network.ToString()), reached.AllowCidrs.OrderBy(r => r.Network.ToString()));
        Assert.Equal(expected.DenyCidrs.OrderBy(r => r.Network.ToString()), reached.DenyCidrs.OrderBy(r => r.Network.ToString()));
        Assert.Equal(expected.Dns.Mode, reached.Dns.Mode);
        Assert.Equal(expected.Dns.AllowDomains.OrderBy(r => r.Pattern), reached.Dns.AllowDomains.OrderBy(r => r.Pattern));
        Assert.Equal(expected.Dns.DenyDomains.OrderBy(r => r.Pattern), reached.Dns.DenyDomains.OrderBy(r => r.Pattern));
        Assert.Equal(expected.Dns.Upstreams.Select(u => u.ToString()), reached.Dns.Upstreams.Select(u => u.ToString()));
    }
}
