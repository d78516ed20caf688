using System.Text.RegularExpressions;
using Netfence.Bpf.Features;
using Netfence.Bpf.Info;
using Netfence.Bpf.Links;
using Netfence.Bpf.Pinning;
using Netfence.Bpf.TestRun;
using Netfence.Sandbox;
using Spectre.Console;

namespace Netfence.Demo;

/// <summary>
/// The loader at work: probe the kernel, load a filter with the verifier's statistics, test-run
/// it on crafted frames, attach it where a VM tap's traffic arrives, change its rules live, and
/// show that a pinned attachment keeps enforcing without the process that made it.
/// </summary>
sealed partial class LoaderTour(TcAttachMode mode)
{
    const string WorkloadAddress = "10.200.0.2";
    const string HostAddress = "10.200.0.1";
    const ushort DnsPort = 5353, WebPort = 8080, AdminPort = 9090;

    readonly Expectations _expect = new();
    string? _pinDirectory;

    public IReadOnlyList<string> Run()
    {
        AnsiConsole.Write(new Rule("[bold]Netfence[/]: the managed eBPF loader on this kernel").LeftJustified());
        ShowFeatures();

        using var filter = Step("Loading the port filter (maps + program)", PortFilter.Load);
        var info = ObjectInfo.Program(filter.Program.Fd);
        AnsiConsole.MarkupLine($"  program [bold]{info.Name}[/] id {info.Id}, tag {info.Tag}, {info.XlatedSize / 8} instructions; verifier: {Markup.Escape(Processed(filter.Program.VerifierLog))}");
        filter.SetBlocked(AdminPort, true);

        TestRuns(filter);
        LiveTraffic(filter);
        return _expect.Failures;
    }

    void ShowFeatures()
    {
        var table = new Table().Title("Kernel features (probed, not read from the version)").AddColumns("feature", "since", "here");
        foreach (var probe in KernelFeatures.All)
        {
            var ok = probe.IsSupported;
            table.AddRow(probe.Name, $"≥ {probe.MinimumKernel}", ok ? "[green]yes[/]" : "[yellow]no[/]");
        }
        AnsiConsole.Write(table);
    }

    void TestRuns(PortFilter filter)
    {
        var table = new Table().Title("BPF_PROG_TEST_RUN on crafted frames (port 9090 blocked)").AddColumns("frame", "verdict", "ns/run");
        void Case(string name, byte[] frame, bool dropped)
        {
            var r = ProgramTestRun.Run(filter.Program, frame, repeat: 1000);
            var cell = _expect.Check($"test run: {name}", dropped, r.SignedReturnValue == PortFilter.VerdictDrop, "drop", "continue", yesIsGood: false);
            table.AddRow(Markup.Escape(name), cell, r.AverageNanoseconds.ToString());
        }
        Case("UDP → :5353", Packets.Udp(DnsPort), false);
        Case("TCP → :8080", Packets.Tcp(WebPort), false);
        Case("TCP → :9090", Packets.Tcp(AdminPort), true);
        Case("IPv4 with options, TCP → :9090", Packets.Ipv4(6, AdminPort, ihlWords: 6), true);
        Case("ARP request", Packets.Arp(), false);
        Case("TCP header cut after 2 bytes", Packets.Cut(Packets.Tcp(WebPort), 36), true);
        AnsiConsole.Write(table);
    }

    void LiveTraffic(PortFilter filter)
    {
        AnsiConsole.Write(new Rule("Real traffic: a workload behind a veth, as a VM behind its tap").LeftJustified());
        using var workload = new SandboxNamespace();
        using var host = new SandboxNamespace();
        using var veth = new VethPair(workload, WorkloadAddress, host, HostAddress);
        var hostDevice = veth.SecondName;
        var options = new TcAttachOptions { Mode = mode, NamespacePath = host.Path };

        // The workload's outbound packets arrive as the host-side device's INGRESS (pitfall #5).
        var attachment = Step($"Attaching to {hostDevice} ingress ({mode})",
            () => TcAttach.Attach(filter.Program, hostDevice, TcDirection.Ingress, options));
        AnsiConsole.MarkupLine($"  attached: [bold]{Markup.Escape(attachment.Description)}[/]");
        try
        {
            Traffic("Rules: block :9090", workload, host, (DnsPort, false), (WebPort, false), (AdminPort, true));

            filter.SetBlocked(WebPort, true);
            filter.SetBlocked(AdminPort, false);
            Traffic("Rules changed live: block :8080, allow :9090", workload, host, (DnsPort, false), (WebPort, true), (AdminPort, false));

            var (passed, dropped) = filter.Counters();
            AnsiConsole.MarkupLine($"  per-CPU verdict counters, summed (test runs included): [green]{passed} continued[/], [red]{dropped} dropped[/]");
            _expect.Check("counters saw drops", true, dropped > 0, "drops counted", "no drops counted");

            if (attachment.CanPin) attachment = Survival(filter, attachment, workload, host);
        }
        finally
        {
            attachment.Detach();
            if (_pinDirectory is not null) PinDirectory.Remove(_pinDirectory);
        }
        _expect.Check("after detach, :8080 reachable", true, Netfence.Sandbox.Traffic.TcpConnects(workload, host, HostAddress, WebPort, Netfence.Sandbox.Traffic.PassTimeout), "reachable", "blocked");
        AnsiConsole.MarkupLine("  detached; traffic flows unfiltered again; namespaces removed");
    }

    /// <summary>Pins the link, drops every fd this process holds on it, and shows the kernel still enforcing.</summary>
    Attachment Survival(PortFilter filter, Attachment attachment, SandboxNamespace workload, SandboxNamespace host)
    {
        _pinDirectory = PinDirectory.Create(Path.Combine(BpfFs.EnsureMounted(), UniqueName.Next()));
        var pin = Path.Combine(_pinDirectory, "link");
        attachment.Pin(pin);
        attachment.Dispose(); // closes our fd: only the pin holds the link now
        AnsiConsole.MarkupLine($"  pinned the link at [bold]{pin}[/] and closed our handle on it");
        Traffic("Enforced by the pinned link alone", workload, host, (WebPort, true));
        var adopted = BpfLink.OpenPinned(pin);
        AnsiConsole.MarkupLine($"  adopted the link again from its pin (id {adopted.Id})");
        return adopted;
    }

    void Traffic(string title, SandboxNamespace workload, SandboxNamespace host, params (ushort Port, bool Blocked)[] cases)
    {
        var table = new Table().Title(title).AddColumns("from workload", "to", "result");
        AnsiConsole.Status().Start("sending real packets…", _ =>
        {
            foreach (var (port, blocked) in cases)
            {
                var timeout = blocked ? Netfence.Sandbox.Traffic.DropTimeout : Netfence.Sandbox.Traffic.PassTimeout;
                bool udp = Netfence.Sandbox.Traffic.UdpArrives(workload, host, HostAddress, port, timeout);
                bool tcp = Netfence.Sandbox.Traffic.TcpConnects(workload, host, HostAddress, port, timeout);
                table.AddRow("UDP datagram", $"{HostAddress}:{port}", _expect.Check($"{title}: UDP :{port}", !blocked, udp, "delivered", "dropped"));
                table.AddRow("TCP connect", $"{HostAddress}:{port}", _expect.Check($"{title}: TCP :{port}", !blocked, tcp, "connected", "dropped"));
            }
        });
        AnsiConsole.Write(table);
    }

    static T Step<T>(string what, Func<T> action)
    {
        T result = default!;
        AnsiConsole.Status().Start(what + "…", _ => result = action());
        AnsiConsole.MarkupLine($"[green]✓[/] {Markup.Escape(what)}");
        return result;
    }

    static string Processed(string? log)
    {
        var m = ProcessedLine().Match(log ?? "");
        return m.Success ? m.Value : "accepted";
    }

    [GeneratedRegex(@"processed \d+ insns[^\n]*")]
    private static partial Regex ProcessedLine();
}
