using System.Net;
using Netfence.Sandbox;
using Netfence.Sandbox.Lab;
using Netfence.Sandbox.Probing;

namespace Netfence.Attacks.KernelTests;

/// <summary>
/// One lab for the whole suite: the local internet, a real netfenced (its built-in control plane reading
/// <see cref="Policy"/>), and four attached workloads — tenant A and tenant B as cgroups, a VM and a second VM (tenant
/// B's) behind veths. Every attack runs from A or the VM; B and the second VM are the "other attachments".
/// Everything is removed on dispose, also when set-up fails half-way.
/// </summary>
public sealed class AttackLab : IAsyncLifetime
{
    public const int Allowed = 10, Api = 11, Denied = 20, Evil = 30, Other = 40;

    /// <summary>An internal address that an allowed public name answers with (pitfall 18).</summary>
    public static readonly IPAddress RebindTarget = IPAddress.Parse("10.213.7.5");

    /// <summary>The cloud metadata service (pitfall 7).</summary>
    public static readonly IPAddress Metadata = IPAddress.Parse("169.254.169.254");

    readonly List<IAsyncDisposable> _made = [];

    public LocalInternet Internet { get; private set; } = null!;
    public NetfencedProcess Daemon { get; private set; } = null!;

    /// <summary>Tenant A's cgroup: may resolve allowed.example and its subdomains.</summary>
    public LabWorkload TenantA { get; private set; } = null!;

    /// <summary>Tenant B's cgroup: may resolve other.example and its subdomains only.</summary>
    public LabWorkload TenantB { get; private set; } = null!;

    /// <summary>A VM: may resolve allowed.example, internal. and metadata.allowed.example, and probe.allowed.example's subdomains (not api.allowed.example).</summary>
    public LabWorkload Vm { get; private set; } = null!;

    /// <summary>The VM's namespace and link, for attacks that reshape its network (VLANs).</summary>
    public NamespacedWorkload VmNetwork { get; private set; } = null!;

    /// <summary>Tenant B's VM: may resolve other.example and its subdomains only.</summary>
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

    static string Policy => """
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
          - name: tenant-b
            match: {tenant: b}
            mode: allowlist
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
        """;

    public async Task InitializeAsync()
    {
        try
        {
            var network = LabNetwork.Pick();
            Internet = await LocalInternet.StartAsync(network, "example", new Dictionary<int, string?>
            {
                [Allowed] = "allowed.example",
                [Api] = "api.allowed.example",
                [Denied] = "denied.example",
                [Evil] = "evil.example",
                [Other] = "other.example",
            }, new Dictionary<string, IPAddress>
            {
                ["internal.allowed.example"] = RebindTarget,
                ["metadata.allowed.example"] = Metadata,
            });
            _made.Add(Internet);
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
