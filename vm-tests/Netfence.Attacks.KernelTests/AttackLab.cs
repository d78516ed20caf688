using System.Net;
using Netfence.Sandbox;
using Netfence.Sandbox.Lab;
using Netfence.Sandbox.Probing;

namespace Netfence.Attacks.KernelTests;

/// <summary>
/// One lab for the whole suite: the local internet (with a hostile DNS server owning <see cref="TrapZone.Zone"/>, and
/// servers on the internal addresses of <see cref="Metadata"/> and <see cref="RebindTarget"/>), a real netfenced (its
/// built-in control plane reading <see cref="Policy"/>), and four attached workloads — tenant A and tenant B as cgroups, a VM and a second VM (tenant
/// B's) behind veths. Every attack runs from A or the VM; B and the second VM are the "other attachments".
/// Everything is removed on dispose, also when set-up fails half-way.
/// </summary>
public sealed class AttackLab : IAsyncLifetime
{
    public const int Allowed = 10, Api = 11, Denied = 20, Evil = 30, Other = 40;

    /// <summary>The hostile DNS server's host.</summary>
    public const int TrapDns = 54;

    /// <summary>An internal address that an allowed public name answers with (pitfall 18).</summary>
    public static readonly IPAddress RebindTarget = IPAddress.Parse("10.213.7.5");

    /// <summary>The cloud metadata service (pitfall 7).</summary>
    public static readonly IPAddress Metadata = IPAddress.Parse("169.254.169.254");

    readonly List<IAsyncDisposable> _made = [];

    public LocalInternet Internet { get; private set; } = null!;
    public NetfencedProcess Daemon { get; private set; } = null!;

    /// <summary>The upstream that lies for <see cref="TrapZone.Zone"/> (pitfall 17).</summary>
    public HostileDnsServer Trap { get; private set; } = null!;

    /// <summary>The servers on <see cref="Metadata"/> and <see cref="RebindTarget"/>, reached on <see cref="InternalHosts.Port"/>.</summary>
    public InternalHosts Internal { get; private set; } = null!;

    /// <summary>Tenant A's cgroup: may resolve allowed.example and its subdomains.</summary>
    public LabWorkload TenantA { get; private set; } = null!;

    /// <summary>Tenant B's cgroup: may resolve other.example and its subdomains only, and reach the internal hosts by CIDR.</summary>
    public LabWorkload TenantB { get; private set; } = null!;

    /// <summary>
    /// A VM: may resolve allowed.example, internal. and metadata.allowed.example, and probe.allowed.example's and
    /// trap.allowed.example's subdomains (not api.allowed.example).
    /// </summary>
    public LabWorkload Vm { get; private set; } = null!;

    /// <summary>The VM's namespace and link, for attacks that reshape its network (VLANs).</summary>
    public NamespacedWorkload VmNetwork { get; private set; } = null!;

    /// <summary>Tenant B's VM: may resolve other.example and its subdomains only, and reach the internal hosts by CIDR.</summary>
    public LabWorkload OtherVm { get; private set; } = null!;

    /// <summary>The attacking workload of a theory row: "cgroup" (tenant A) or "vm".</summary>
    public LabWorkload Attacker(string kind) => kind switch
    {
        "cgroup" => TenantA,
        "vm" => Vm,
        _ => throw new ArgumentException($"no workload kind '{kind}' (cgroup or vm)", nameof(kind)),
    };

    /// <summary>The other attachment of the same kind as <paramref name="kind"/>'s attacker.</summary>
    public LabWorkload Neighbour(string kind) => kind == "cgroup" ? TenantB : OtherVm;

    public IPAddress Address(int host) => Internet.Network.Internet(host);

    /// <summary>Whether any server of the lab (the internet's or an internal one) received <paramref name="token"/>.</summary>
    public bool Saw(string token) => Internet.Servers.Saw(token) || Internal.Servers.Saw(token);

    // Tenant B (both its cgroup and its VM) explicitly allows the internal hosts: the control that they are reachable.
    // Denied.example is denied by a rule for tenant A and the VM, so that an allowed alias into it is an attack.
    static string Policy => $$"""
        default:
          mode: block_all
        policies:
          - name: tenant-a
            match: {tenant: a}
            mode: allowlist
            dns:
              mode: allowlist
              allow:
                - {domain: allowed.example, include_subdomains: true}
              deny:
                - {domain: denied.example, include_subdomains: true}
          - name: tenant-b
            match: {tenant: b}
            mode: allowlist
            allow_cidrs: [{{Metadata}}/32, {{RebindTarget}}/32]
            dns:
              mode: allowlist
              allow:
                - {domain: other.example, include_subdomains: true}
          - name: vms
            match: {tenant: vm}
            mode: allowlist
            dns:
              mode: allowlist
              allow:
                - allowed.example
                - internal.allowed.example
                - metadata.allowed.example
                - {domain: probe.allowed.example, include_subdomains: true}
                - {domain: {{TrapZone.Zone}}, include_subdomains: true}
              deny:
                - {domain: denied.example, include_subdomains: true}
        """;

    public async Task InitializeAsync()
    {
        try
        {
            var network = LabNetwork.Pick();
            var hosts = new Dictionary<int, string?>
            {
                [Allowed] = "allowed.example",
                [Api] = "api.allowed.example",
                [Denied] = "denied.example",
                [Evil] = "evil.example",
                [Other] = "other.example",
                [TrapDns] = null,
            };
            // The addresses the hostile answers hand out: recording servers without names, each only reachable if learned.
            foreach (var host in TrapZone.Hosts) hosts.Add(host, null);
            Internet = await LocalInternet.StartAsync(network, "example", hosts, new Dictionary<string, IPAddress>
            {
                ["internal.allowed.example"] = RebindTarget,
                ["metadata.allowed.example"] = Metadata,
            }, new Dictionary<string, IPEndPoint> { [TrapZone.Zone] = new(network.Internet(TrapDns), 53) });
            _made.Add(Internet);
            // Both before the internet in the clean-up order: they live in its namespace.
            Trap = new HostileDnsServer(Internet.Namespace.Path, network.Internet(TrapDns), TrapZone.Zone, TrapZone.Script(network));
            _made.Insert(0, Trap);
            Internal = InternalHosts.Start(Internet, new Dictionary<string, IPAddress> { ["metadata"] = Metadata, ["internal"] = RebindTarget });
            _made.Insert(0, Internal);
            Daemon = await NetfencedProcess.StartAsync(NetfencedProcess.Locate(AppContext.BaseDirectory), Policy, [Internet.Dns.Endpoint], CancellationToken.None);
            _made.Insert(0, Daemon); // stopped first, so that it removes its filters before the targets go
            TenantA = await CgroupAsync("a");
            TenantB = await CgroupAsync("b");
            (Vm, VmNetwork) = await VmAsync("vm");
            (OtherVm, _) = await VmAsync("b");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    static IReadOnlyList<string> Agent => ["dotnet", "exec", Path.Combine(AppContext.BaseDirectory, "netfence-demo.dll"), "probe-agent"];

    async Task<LabWorkload> CgroupAsync(string tenant)
    {
        var cgroup = CgroupWorkload.Start(Agent);
        _made.Add(new Disposing(cgroup.Dispose));
        var attached = await Daemon.AttachCgroupAsync(cgroup.CgroupPath, new Dictionary<string, string> { ["tenant"] = tenant }, CancellationToken.None);
        return new LabWorkload($"cgroup {tenant}", cgroup.Agent, attached.Dns, cgroup.Run);
    }

    async Task<(LabWorkload, NamespacedWorkload)> VmAsync(string tenant)
    {
        var vm = NamespacedWorkload.Start(Internet.Network, Agent);
        _made.Add(new Disposing(vm.Dispose));
        var attached = await Daemon.AttachInterfaceAsync(vm.HostDevice, vm.HostAddress, new Dictionary<string, string> { ["tenant"] = tenant }, CancellationToken.None);
        return (new LabWorkload($"vm {tenant}", vm.Agent, attached.Dns, vm.Run), vm);
    }

    public async Task DisposeAsync()
    {
        var errors = new List<Exception>();
        // The daemon first (it removes its filters), then the workloads, then the internet.
        foreach (var made in _made)
        {
            try
            {
                await made.DisposeAsync();
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        }
        _made.Clear();
        if (errors.Count > 0) throw new AggregateException("cleaning up the attack lab failed", errors);
    }

    sealed class Disposing(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}

[CollectionDefinition("attack lab")]
public sealed class AttackLabCollection : ICollectionFixture<AttackLab>;
