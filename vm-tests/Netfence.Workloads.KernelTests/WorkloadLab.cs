using System.Net;
using System.Text;
using Netfence.Sandbox.Lab;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// One lab for the whole suite: the local internet, a real netfenced whose built-in control plane reads a policy file
/// of one entry per <c>role</c> (the metadata every workload is attached with), and a cgroup and a VM for each of the
/// fixed modes (allowlist, denylist, block-all, disabled). Tests that change a policy, detach or remove a target attach
/// workloads of their own with <see cref="AttachAsync(string, string)"/>. Everything is removed on dispose, also when
/// set-up fails half-way.
/// </summary>
public sealed class WorkloadLab : IAsyncLifetime
{
    // The internet's hosts (last octets). The zone answers exact names only; .50 and .51 have no name. .60 is a CDN's
    // edge in a zone a later rule denies, reached through the alias cdn.allowed.example.
    public const int Apex = 10, Api = 11, Www = 12, Denied = 20, Evil = 30, Open = 40, Expiring = 50, DenyCidr = 51, Edge = 60;

    /// <summary>A CNAME to <see cref="EdgeName"/> (<see cref="Edge"/>).</summary>
    public const string AliasName = "cdn.allowed.example";

    /// <summary>The target of <see cref="AliasName"/>.</summary>
    public const string EdgeName = "edge.tracker.example";

    /// <summary>Where a test's own TCP listener (nc) waits, on api.allowed.example's address.</summary>
    public const int FlowPort = 9000;

    /// <summary>The workload kinds every behaviour is checked in.</summary>
    public static readonly string[] Kinds = ["cgroup", "vm"];

    /// <summary>How long a policy edit may take to be enforced here (issue 8 asks for a second on an idle host; this one is shared).</summary>
    public static readonly TimeSpan PolicyDeadline = TimeSpan.FromSeconds(15);

    // The workloads only need a resident process; every attempt is a real tool started inside. cat ends when the
    // workload closes its stdin.
    static readonly IReadOnlyList<string> Idle = ["cat"];

    readonly Dictionary<string, string> _roles = [];
    readonly Dictionary<(string Role, string Kind), LabWorkload> _fixed = [];
    readonly Lock _policy = new();

    public LocalInternet Internet { get; private set; } = null!;
    public NetfencedProcess Daemon { get; private set; } = null!;

    public IPAddress Address(int host) => Internet.Network.Internet(host);

    /// <summary>An allowlist of the sub names of allowed.example (not the apex).</summary>
    public const string Allowlist = """
        mode: allowlist
        dns:
          mode: allowlist
          allow: ["*.allowed.example"]
        """;

    /// <summary>Everything but denied.example and its sub names, and one denied network (.51).</summary>
    public string Denylist => $$"""
        mode: denylist
        deny_cidrs: [{{Address(DenyCidr)}}/32]
        dns:
          mode: denylist
          deny:
            - {domain: denied.example, include_subdomains: true}
        """;

    /// <summary>Nothing passes, although the DNS server still judges names as the allowlist does.</summary>
    public const string BlockAll = """
        mode: block_all
        dns:
          mode: allowlist
          allow: ["*.allowed.example"]
        """;

    /// <summary>No filtering at all.</summary>
    public const string Disabled = """
        mode: disabled
        dns:
          mode: disabled
        """;

    /// <summary>An allowlist with nothing on it (until a test adds a CIDR).</summary>
    public const string Empty = """
        mode: allowlist
        dns:
          mode: allowlist
          allow: []
        """;

    /// <summary>An allowlist of <see cref="AliasName"/> alone: its alias target is a name no rule mentions, which the DNS server follows.</summary>
    public const string AliasAllowed = $$"""
        mode: allowlist
        dns:
          mode: allowlist
          allow: [{{AliasName}}]
        """;

    /// <summary><see cref="AliasAllowed"/> with the alias target's zone denied, as a control plane would add it later.</summary>
    public const string AliasTargetDenied = $$"""
        mode: allowlist
        dns:
          mode: allowlist
          allow: [{{AliasName}}]
          deny:
            - {domain: tracker.example, include_subdomains: true}
        """;

    /// <summary>The fixed workload of <paramref name="role"/> (allow, deny, blockall, disabled) and <paramref name="kind"/>.</summary>
    public LabWorkload Fixed(string role, string kind) => _fixed.TryGetValue((role, kind), out var w) ? w
        : throw new ArgumentException($"the lab has no fixed {kind} workload for role '{role}' (it has {string.Join(", ", _fixed.Keys)})");

    public async Task InitializeAsync()
    {
        try
        {
            var network = LabNetwork.Pick();
            Internet = await LocalInternet.StartAsync(network, "example", new Dictionary<int, string?>
            {
                [Apex] = "allowed.example",
                [Api] = "api.allowed.example",
                [Www] = "www.allowed.example",
                [Denied] = "denied.example",
                [Evil] = "evil.example",
                [Open] = "open.example",
                [Expiring] = null,
                [DenyCidr] = null,
                [Edge] = EdgeName,
            }, aliases: new Dictionary<string, string> { [AliasName] = EdgeName });
            _roles["allow"] = Allowlist;
            _roles["deny"] = Denylist;
            _roles["blockall"] = BlockAll;
            _roles["disabled"] = Disabled;
            _roles["ttl"] = Empty;
            _roles["switch"] = Allowlist;
            _roles["detach"] = Allowlist;
            _roles["removal"] = Allowlist;
            _roles["alias"] = AliasAllowed;
            Daemon = await NetfencedProcess.StartAsync(NetfencedProcess.Locate(AppContext.BaseDirectory), RenderPolicy(), [Internet.Dns.Endpoint], CancellationToken.None);
            var attaching = new[] { "allow", "deny", "blockall", "disabled" }.SelectMany(role => Kinds.Select(kind => (role, kind)))
                .Select(key => (Key: key, Task: AttachAsync(key.role, key.kind))).ToList();
            try
            {
                await Task.WhenAll(attaching.Select(a => a.Task));
            }
            finally
            {
                // Those that did attach are torn down with the lab even when another failed.
                foreach (var (key, task) in attaching.Where(a => a.Task.IsCompletedSuccessfully)) _fixed[key] = task.Result;
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Replaces <paramref name="role"/>'s entry of the policy file (the other entries are written unchanged).</summary>
    public void SetRole(string role, string stateYaml)
    {
        lock (_policy)
        {
            if (!_roles.ContainsKey(role)) throw new ArgumentException($"the policy has no role '{role}' (it has {string.Join(", ", _roles.Keys)})", nameof(role));
            _roles[role] = stateYaml;
            Daemon.RewritePolicy(RenderPolicy());
        }
    }

    string RenderPolicy()
    {
        var policy = new StringBuilder("# The workload suite's policy: one entry per role.\ndefault:\n  mode: block_all\npolicies:\n");
        foreach (var (role, state) in _roles)
        {
            policy.Append($"  - name: {role}\n    match: {{role: {role}}}\n");
            foreach (var line in state.Split('\n')) policy.Append("    ").Append(line).Append('\n');
        }
        return policy.ToString();
    }

    /// <summary>A new workload of <paramref name="kind"/> attached to the lab's netfenced with <paramref name="role"/>; the caller disposes it.</summary>
    public Task<LabWorkload> AttachAsync(string role, string kind) => AttachAsync(Daemon, role, kind);

    /// <summary>
    /// A new workload of <paramref name="kind"/> attached to <paramref name="daemon"/> with <paramref name="role"/>. A
    /// cgroup's DNS server listens on a loopback address of its own, port 53, so that its resolv.conf can name it; a
    /// VM's on its veth's host end, port 53 (what its resolv.conf already names).
    /// </summary>
    public async Task<LabWorkload> AttachAsync(NetfencedProcess daemon, string role, string kind)
    {
        var metadata = new Dictionary<string, string> { ["role"] = role };
        switch (kind)
        {
            case "cgroup":
            {
                var cgroup = CgroupWorkload.Start(Idle);
                try
                {
                    var listen = new IPEndPoint(IPAddress.Parse($"127.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}"), 53);
                    var attachment = await daemon.AttachCgroupAsync(cgroup.CgroupPath, listen, metadata, CancellationToken.None);
                    return new LabWorkload(kind, role, cgroup, WorkloadShell.InCgroup(cgroup.CgroupPath, listen.Address), attachment);
                }
                catch
                {
                    cgroup.Dispose();
                    throw;
                }
            }
            case "vm":
            {
                var vm = NamespacedWorkload.Start(Internet.Network, Idle);
                try
                {
                    var attachment = await daemon.AttachInterfaceAsync(vm.HostDevice, vm.HostAddress, metadata, CancellationToken.None);
                    return new LabWorkload(kind, role, vm, WorkloadShell.InNamespace(vm), attachment);
                }
                catch
                {
                    vm.Dispose();
                    throw;
                }
            }
            default:
                throw new ArgumentException($"no workload kind '{kind}' (cgroup or vm)", nameof(kind));
        }
    }

    // The daemon first (it removes its filters), then the workloads, then the internet.
    public Task DisposeAsync() => Teardown.AllAsync("cleaning up the workload lab", [Daemon, .. _fixed.Values, Internet]);
}

[CollectionDefinition("workload lab")]
public sealed class WorkloadLabCollection : ICollectionFixture<WorkloadLab>;
