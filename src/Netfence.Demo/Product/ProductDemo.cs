using System.Diagnostics;
using System.Net;
using Netfence.Sandbox;
using Netfence.Sandbox.Lab;
using Netfence.Sandbox.Probing;
using Spectre.Console;

namespace Netfence.Demo.Product;

/// <summary>
/// The product demo: a local internet, a real netfenced with the built-in control plane and a policy file, a build
/// job in a cgroup and a VM behind a veth attached through <c>netfenced attach</c>, their connection attempts checked
/// against the policy with evidence from both ends, a live policy edit, and a clean-up that is verified.
/// </summary>
sealed class ProductDemo(IReadOnlyList<string> agentCommand, IReadOnlyList<string> netfencedCommand)
{
    /// <summary>How long a policy edit may take to show in what the workloads see.</summary>
    static readonly TimeSpan PolicyDeadline = TimeSpan.FromSeconds(1);

    readonly List<string> _failures = [];
    LocalInternet? _internet;
    NetfencedProcess? _daemon;
    CgroupWorkload? _job;
    NamespacedWorkload? _vm;

    /// <summary>Runs the demo; the exit code is 0 only if everything behaved as expected and everything was cleaned up.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        AnsiConsole.Write(new Rule("[bold]Netfence[/]: egress filtering for a build job (cgroup) and a VM (veth), by DNS name").LeftJustified());
        try
        {
            await SetUpAsync(cancellationToken);
            var runner = new AttemptRunner(_internet!);
            var (jobDns, vmDns) = await AttachAsync(cancellationToken);
            await ShowAttemptsAsync(runner, "build job (cgroup, workload=build-job)", _job!.Agent, jobDns, BuildJobAttempts(), cancellationToken);
            await ShowAttemptsAsync(runner, "VM (veth host end, TC ingress, workload=vm)", _vm!.Agent, vmDns, VmAttempts(), cancellationToken);
            await EditPolicyAsync(runner, jobDns, vmDns, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _failures.Add("interrupted");
        }
        catch (Exception e)
        {
            _failures.Add($"the demo failed: {e.Message}");
            if (_daemon is not null) AnsiConsole.Write(new Panel(Markup.Escape(_daemon.LogTail())).Header("netfenced's last log lines"));
        }
        finally
        {
            await CleanUpAsync();
        }
        if (_failures.Count == 0)
        {
            AnsiConsole.MarkupLine($"\n[bold green]Demo finished in {clock.Elapsed.TotalSeconds:0} s: every attempt behaved as the policy says, and nothing was left behind.[/]");
            return 0;
        }
        AnsiConsole.MarkupLine($"\n[bold red]Demo finished in {clock.Elapsed.TotalSeconds:0} s with problems:[/]");
        foreach (var f in _failures) AnsiConsole.MarkupLine($"  [red]{Markup.Escape(f)}[/]");
        return 1;
    }

    async Task SetUpAsync(CancellationToken cancellationToken)
    {
        var network = LabNetwork.Pick();
        _internet = await Step("Building the local internet", () => LocalInternet.StartAsync(network, DemoHosts.Domain, DemoHosts.All));
        var hosts = new Table().Border(TableBorder.Simple).AddColumns("host", "address", "serves");
        foreach (var h in _internet.Hosts)
            hosts.AddRow(Markup.Escape(h.Name ?? "(no name)"), h.Address.ToString(), $"HTTP :{LocalInternet.HttpPort}, UDP echo :{LocalInternet.UdpEchoPort}; records what it receives");
        hosts.AddRow("(zone 'example')", _internet.Dns.Endpoint.Address.ToString(), "DNS :53 (dnsmasq; logs every query)");
        AnsiConsole.MarkupLine($"  namespace [bold]{_internet.Namespace.Name}[/], reached from the host over [bold]{_internet.HostDevice}[/] and a route for {_internet.Network.InternetPrefix}");
        AnsiConsole.Write(hosts);

        var policy = DemoPolicy.Yaml(_internet, edited: false);
        _daemon = await Step("Starting netfenced (built-in control plane, upstream DNS = the zone)", () =>
            NetfencedProcess.StartAsync(netfencedCommand, policy, [_internet.Dns.Endpoint], cancellationToken));
        AnsiConsole.MarkupLine($"  socket [bold]{_daemon.SocketPath}[/], pins [bold]{_daemon.PinDirectory}[/], policy file [bold]{_daemon.PolicyFile}[/]:");
        AnsiConsole.Write(new Panel(Markup.Escape(policy.TrimEnd())).Border(BoxBorder.Rounded).Header("policy.yaml"));

        _job = await Step("Starting a build job in a cgroup", () => Task.FromResult(CgroupWorkload.Start(agentCommand)));
        AnsiConsole.MarkupLine($"  cgroup [bold]{_job.CgroupPath}[/], probe agent pid {_job.Agent.ProcessId}");
        _vm = await Step("Starting a VM behind a veth in its own network namespace", () => Task.FromResult(NamespacedWorkload.Start(_internet.Network, agentCommand)));
        AnsiConsole.MarkupLine($"  namespace [bold]{_vm.Namespace.Name}[/] ({_vm.WorkloadAddress}), host end [bold]{_vm.HostDevice}[/] ({_vm.HostAddress}, its gateway and DNS server)");
    }

    async Task<(IPEndPoint Job, IPEndPoint Vm)> AttachAsync(CancellationToken cancellationToken)
    {
        var job = await Step($"netfenced attach --cgroup {_job!.CgroupPath} --metadata workload={DemoPolicy.BuildJob}", () =>
            _daemon!.AttachCgroupAsync(_job.CgroupPath, new Dictionary<string, string> { ["workload"] = DemoPolicy.BuildJob }, cancellationToken));
        AnsiConsole.MarkupLine($"  attachment [bold]{job.Id}[/]: connect/sendmsg and cgroup_skb filters; its DNS server [bold]{job.Dns}[/]");
        var vm = await Step($"netfenced attach --interface {_vm!.HostDevice} --dns-listen {_vm.HostAddress}:53 --metadata workload={DemoPolicy.Vm}", () =>
            _daemon!.AttachInterfaceAsync(_vm.HostDevice, _vm.HostAddress, new Dictionary<string, string> { ["workload"] = DemoPolicy.Vm }, cancellationToken));
        AnsiConsole.MarkupLine($"  attachment [bold]{vm.Id}[/]: a filter on {_vm.HostDevice}'s ingress (what the VM sends); its DNS server [bold]{vm.Dns}[/]");
        return (job.Dns, vm.Dns);
    }

    IReadOnlyList<Attempt> BuildJobAttempts()
    {
        var n = _internet!.Network;
        return
        [
            new("tcp", "allowed.example", null, Expected.Allowed, "allowed name; IP learned from its answer"),
            new("udp", "api.allowed.example", null, Expected.Allowed, "subdomain of an allowed name"),
            new("tcp", "denied.example", null, Expected.DnsRefused, "name not allowed: refused, not forwarded"),
            new("tcp", null, n.Internet(DemoHosts.Denied).ToString(), Expected.Denied, "denied.example's IP: never learned"),
            new("udp", null, n.Internet(DemoHosts.Evil).ToString(), Expected.Denied, "unconnected UDP to an unlearned IP"),
            new("tcp", null, n.Internet(DemoHosts.Partner).ToString(), Expected.Allowed, "in allow_cidrs"),
        ];
    }

    IReadOnlyList<Attempt> VmAttempts()
    {
        var n = _internet!.Network;
        return
        [
            new("tcp", "allowed.example", null, Expected.Allowed, "allowed name; IP learned from its answer"),
            new("udp", null, n.Internet(DemoHosts.Allowed).ToString(), Expected.Allowed, "an IP this VM learned (row 1)"),
            new("tcp", "api.allowed.example", null, Expected.DnsRefused, "only allowed.example itself is listed"),
            new("tcp", null, n.Internet(DemoHosts.Api).ToString(), Expected.Dropped, "learned by the build job, not this VM"),
            new("udp", "evil.example", null, Expected.DnsRefused, "name not allowed: refused, not forwarded"),
            new("tcp", null, n.Internet(DemoHosts.Partner).ToString(), Expected.Dropped, "the build jobs' CIDR, not the VMs'"),
        ];
    }

    async Task ShowAttemptsAsync(AttemptRunner runner, string title, ProbeAgentProcess agent, IPEndPoint dns, IReadOnlyList<Attempt> attempts, CancellationToken cancellationToken)
    {
        AnsiConsole.WriteLine();
        var table = AttemptTable.Create(title);
        async Task RunAll(Action refresh)
        {
            foreach (var attempt in attempts)
            {
                table.AddRow(AttemptTable.Running(attempt));
                refresh();
                var observation = await runner.RunAsync(agent, dns, attempt, cancellationToken);
                var cells = AttemptTable.Cells(observation);
                for (int c = 0; c < cells.Length; c++) table.UpdateCell(table.Rows.Count - 1, c, cells[c]);
                refresh();
                Record(title, observation);
            }
        }
        // A live table redraws itself in place, which a log file or pipe would keep every frame of: there, print it once.
        if (Console.IsOutputRedirected)
        {
            await RunAll(() => { });
            AnsiConsole.Write(table);
        }
        else
        {
            await AnsiConsole.Live(table).StartAsync(live => RunAll(live.Refresh));
        }
    }

    async Task EditPolicyAsync(AttemptRunner runner, IPEndPoint jobDns, IPEndPoint vmDns, CancellationToken cancellationToken)
    {
        AnsiConsole.WriteLine();
        AnsiConsole.Write(new Rule("[bold]Editing the policy file[/]: the VM may resolve denied.example; build jobs are switched to block_all").LeftJustified());
        var edited = DemoPolicy.Yaml(_internet!, edited: true);
        AnsiConsole.Write(new Panel(Markup.Escape(edited.TrimEnd())).Border(BoxBorder.Rounded).Header("policy.yaml, edited"));
        var n = _internet!.Network;
        var vmAttempt = new Attempt("tcp", "denied.example", null, Expected.Allowed, "now on the VMs' DNS allowlist");
        var jobAttempt = new Attempt("tcp", null, n.Internet(DemoHosts.Allowed).ToString(), Expected.Denied, "build jobs are block_all now");

        // As an editor saves: a new file renamed over the old one.
        var staging = _daemon!.PolicyFile + ".new";
        File.WriteAllText(staging, edited);
        var written = Stopwatch.StartNew();
        File.Move(staging, _daemon.PolicyFile, overwrite: true);
        var results = await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync("Waiting for the edit to reach the kernel…", _ => Task.WhenAll(
            UntilAsync(runner, _vm!.Agent, vmDns, vmAttempt, written, cancellationToken),
            UntilAsync(runner, _job!.Agent, jobDns, jobAttempt, written, cancellationToken)));

        var table = new Table().Title("[bold]after the edit[/]").AddColumns(["workload", .. AttemptTable.Columns, "took effect after"]).Border(TableBorder.Rounded);
        foreach (var ((observation, took, tries), who) in results.Zip(["VM", "build job"]))
        {
            var took_ = observation.AsExpected ? $"{took.TotalMilliseconds:0} ms ({tries} tries)" : $"[red]not within {PolicyDeadline.TotalSeconds:0.#} s[/]";
            table.AddRow([who, .. AttemptTable.Cells(observation), took_]);
            Record($"{who} after the edit", observation);
        }
        AnsiConsole.Write(table);
    }

    // Repeats an attempt until it behaves as expected or the deadline passes; the last observation is the verdict.
    // The verdict is an attempt that *started* after the deadline: a TCP connect that connect4 allowed just before the
    // edit reached the kernel has its SYN dropped at egress and times out (1.5 s), ending after the deadline without
    // saying anything about whether the edit took effect in time.
    static async Task<(Observation Last, TimeSpan Took, int Tries)> UntilAsync(AttemptRunner runner, ProbeAgentProcess agent, IPEndPoint dns, Attempt attempt, Stopwatch since, CancellationToken cancellationToken)
    {
        int tries = 0;
        while (true)
        {
            var started = since.Elapsed;
            var observation = await runner.RunAsync(agent, dns, attempt, cancellationToken);
            tries++;
            if (observation.AsExpected || started > PolicyDeadline) return (observation, since.Elapsed, tries);
            await Task.Delay(20, cancellationToken);
        }
    }

    void Record(string where, Observation o)
    {
        if (!o.AsExpected)
            _failures.Add($"{where}: {o.Attempt.Describe()} — expected {o.Attempt.Expected}, saw {o.Result.Outcome} ({o.Result.Detail}), server saw it: {o.ServerSawIt}, upstream asked: {o.UpstreamAsked}");
    }

    async Task CleanUpAsync()
    {
        AnsiConsole.WriteLine();
        AnsiConsole.Write(new Rule("[bold]Cleaning up[/]").LeftJustified());
        var leftovers = new List<string>();
        if (_daemon is not null)
        {
            var clock = Stopwatch.StartNew();
            if (await _daemon.StopAsync())
                AnsiConsole.MarkupLine($"[green]✓[/] netfenced stop --remove-filters: filters detached, pins removed, daemon exited [grey]({clock.Elapsed.TotalSeconds:0.0} s)[/]");
            else
            {
                AnsiConsole.MarkupLine("[red]✗[/] netfenced did not stop cleanly with --remove-filters: killed, and its pins removed");
                _failures.Add("netfenced did not stop cleanly with --remove-filters; it was killed and its pins removed");
            }
            await Quietly("removing netfenced's scratch directory and pins", () => _daemon.DisposeAsync().AsTask());
            if (Directory.Exists(_daemon.PinDirectory)) leftovers.Add($"pins {_daemon.PinDirectory}");
        }
        if (_job is not null)
        {
            await Quietly("removing the build job's cgroup", () => { _job.Dispose(); return Task.CompletedTask; });
            if (Directory.Exists(_job.CgroupPath)) leftovers.Add($"cgroup {_job.CgroupPath}");
        }
        if (_vm is not null)
        {
            await Quietly("removing the VM's namespace", () => { _vm.Dispose(); return Task.CompletedTask; });
            if (SandboxNamespace.Exists(_vm.Namespace.Name)) leftovers.Add($"netns {_vm.Namespace.Name}");
            if (DeviceExists(_vm.HostDevice)) leftovers.Add($"device {_vm.HostDevice}");
        }
        if (_internet is not null)
        {
            await Quietly("removing the local internet", () => _internet.DisposeAsync().AsTask());
            if (SandboxNamespace.Exists(_internet.Namespace.Name)) leftovers.Add($"netns {_internet.Namespace.Name}");
            if (DeviceExists(_internet.HostDevice)) leftovers.Add($"device {_internet.HostDevice}");
        }
        if (leftovers.Count > 0) _failures.Add("left behind: " + string.Join(", ", leftovers));
        else
        {
            var removed = new[]
            {
                _internet is null ? null : $"netns {_internet.Namespace.Name}",
                _vm is null ? null : $"netns {_vm.Namespace.Name}",
                _job is null ? null : $"cgroup {_job.CgroupPath}",
                _daemon is null ? null : $"pins {_daemon.PinDirectory}",
            }.OfType<string>();
            AnsiConsole.MarkupLine($"[green]✓[/] nothing left behind (checked: {Markup.Escape(string.Join(", ", removed))})");
        }
    }

    static bool DeviceExists(string device) => Command.Try("ip", "link", "show", "dev", device).ExitCode == 0;

    async Task Quietly(string what, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception e)
        {
            _failures.Add($"{what}: {e.Message}");
        }
    }

    static async Task<T> Step<T>(string what, Func<Task<T>> work)
    {
        var clock = Stopwatch.StartNew();
        T result = default!;
        if (Console.IsOutputRedirected) result = await work();
        else await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(what) + "…", async _ => result = await work());
        AnsiConsole.MarkupLine($"[green]✓[/] {Markup.Escape(what)} [grey]({clock.Elapsed.TotalSeconds:0.0} s)[/]");
        return result;
    }
}
