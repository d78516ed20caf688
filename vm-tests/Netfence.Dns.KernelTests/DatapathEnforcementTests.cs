using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Netfence.Bpf.Netlink;
using Netfence.Datapath;
using Netfence.Dns.Learning;
using Netfence.Dns.Serving;
using Netfence.KernelTesting;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Sandbox;

namespace Netfence.Dns.KernelTests;

/// <summary>
/// Issue 7 end to end on the real datapath: a process in an attachment's cgroup (and in the workload's network
/// namespace, whose resolv.conf names the attachment's DNS server) resolves a name through that server with glibc and
/// connects to what it learned; the C#-compiled cgroup programs refuse (EPERM) every address no allowed answer taught,
/// and an address again once its learned TTL has passed, before any sweep (pitfall 11).
/// </summary>
[Collection("test zone")]
public sealed class DatapathEnforcementTests(TestZone zone)
{
    const string Learned = "192.0.2.10";    // what dnsmasq answers for *.allowed.test
    const string OfDenied = "192.0.2.66";   // what it would answer for *.denied.test, were it asked
    const string Unresolved = "192.0.2.11"; // no name answers it

    // Resolves (glibc, A only) and connects, or connects to an address; prints what happened, errno included.
    const string Client = """
        import socket, sys
        mode, target, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        if mode == 'resolve':
            try:
                target = socket.getaddrinfo(target, port, socket.AF_INET, socket.SOCK_STREAM)[0][4][0]
            except socket.gaierror as e:
                print('unresolved', e.errno)
                sys.exit(0)
            print('resolved', target)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((target, port))
            print('connected')
        except OSError as e:
            print('refused', e.errno)
        """;

    static DnsPolicy Policy => new(DnsMode.Allowlist, [DomainRule.Parse("allowed.test", true, "test")],
        [DomainRule.Parse("denied.test", true, "test")], ImmutableArray<IPEndPoint>.Empty);

    [KernelFact]
    public async Task A_resolved_allowed_name_is_reachable_and_addresses_no_allowed_answer_taught_get_eperm() =>
        await WithEnforcedWorkloadAsync(new DnsServerOptions(), (workload, client) =>
        {
            // Before any answer taught it, the allowed name's address is as closed as any other.
            Assert.Equal("refused 1", client("connect", Learned));

            Assert.Equal($"resolved {Learned}\nconnected", client("resolve", "www.allowed.test"));
            Assert.Equal("connected", client("connect", Learned));

            // A denied name is never resolved (REFUSED: glibc reports no address), and its address stays closed.
            Assert.StartsWith("unresolved", client("resolve", "secret.denied.test"));
            Assert.Equal("refused 1", client("connect", OfDenied));
            Assert.Equal("refused 1", client("connect", Unresolved));
            Assert.Equal(0, workload.Attachment.Counters.InternalErrors);
            return Task.CompletedTask;
        });

    [KernelFact]
    public async Task A_learned_address_is_refused_again_once_its_ttl_has_passed_before_any_sweep() =>
        // dnsmasq answers with TTL 300; the clamp keeps learned addresses 2 s, without grace.
        await WithEnforcedWorkloadAsync(new DnsServerOptions { Ttl = new LearnedTtl(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.Zero) },
            async (workload, client) =>
            {
                Assert.Equal($"resolved {Learned}\nconnected", client("resolve", "ttl.allowed.test"));
                var learned = (await workload.Attachment.LearnedAsync()).Single(l => l.Address.Equals(IPAddress.Parse(Learned)));

                // Nobody sweeps: the kernel itself stops honouring the entry at its expiry.
                Deadline.Require(() => client("connect", Learned) == "refused 1", TimeSpan.FromSeconds(30), "the learned address to be refused after its TTL");
                // The datapath converts the expiry to the boot clock when it writes it; allow it that rounding.
                Assert.True(DateTimeOffset.UtcNow >= learned.ExpiresAt - TimeSpan.FromMilliseconds(100),
                    $"refused at {DateTimeOffset.UtcNow:O}, before the expiry {learned.ExpiresAt:O}");

                // Asking again teaches it again (the cached answer expired with it).
                Assert.Equal($"resolved {Learned}\nconnected", client("resolve", "ttl.allowed.test"));
            });

    /// <summary>
    /// A workload namespace with listeners on <see cref="Learned"/>, <see cref="OfDenied"/> and <see cref="Unresolved"/>
    /// (its loopback), a cgroup with the datapath's cgroup programs in allowlist mode with no static rule (only the
    /// attachment's DNS server allowed), and the DNS server learning into that cgroup's rule set. The body gets a
    /// client that runs <see cref="Client"/> as a process of the cgroup inside the namespace.
    /// </summary>
    async Task WithEnforcedWorkloadAsync(DnsServerOptions options, Func<Workload, Func<string, string, string>, Task> body)
    {
        using var pins = new PinScratch();
        using var maps = SharedMaps.OpenOrCreate(pins.Path);
        var rules = new RuleSetWriter(maps);
        using var programs = DatapathPrograms.Load(maps);
        var writer = new DatapathAllowlistWriter(rules);
        await using var workload = await Workload.StartAsync(zone.Upstream.Endpoint, Policy, options, writer: writer);
        foreach (var address in new[] { Learned, OfDenied, Unresolved })
            Command.Run("ip", "-n", workload.NamespaceName, "addr", "add", address + "/32", "dev", "lo");
        Command.Run("ip", "-n", workload.NamespaceName, "link", "set", "lo", "up");
        using var listener = NetworkNamespace.Run(workload.NamespacePath, () =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Any, 0));
            socket.Listen(64); // the kernel completes handshakes into the backlog: nothing needs to accept
            return socket;
        });
        string port = ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        string cgroupPath;
        using (var cgroup = new SandboxCgroup())
        {
            cgroupPath = cgroup.Path;
            var target = AttachmentTarget.Cgroup(cgroup.Path);
            rules.Apply(target, new RuleSet(PolicyMode.Allowlist, [], [], Policy), new AttachmentSettings { DnsIpv4 = workload.DnsAddress, DnsPort = 53 });
            writer.Target = target;
            var attachments = programs.AttachCgroup(cgroup.Path);
            try
            {
                string Client(string mode, string argument)
                {
                    var run = cgroup.Run("ip", "netns", "exec", workload.NamespaceName, "python3", "-c", DatapathEnforcementTests.Client, mode, argument, port);
                    Assert.True(run.ExitCode == 0, $"the client failed ({run.ExitCode}): {run.StdErr}");
                    return run.StdOut.Trim();
                }
                await body(workload, Client);
            }
            finally
            {
                foreach (var attachment in attachments)
                {
                    attachment.Detach();
                    attachment.Dispose();
                }
                writer.Target = null;
                rules.Remove(target);
            }
        }
        Leftovers.AssertCgroupGone(cgroupPath);
    }
}
