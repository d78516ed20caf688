using System.Diagnostics;
using System.Net;
using Netfence.Dns.Learning;
using Netfence.Dns.Serving;
using Netfence.Dns.Tests.Support;
using Netfence.Policy.Rules;
using Netfence.Sandbox;

namespace Netfence.Dns.KernelTests;

/// <summary>
/// A workload as the daemon will see one: its own network namespace behind a veth pair, whose resolver
/// configuration (<c>/etc/netns/NAME/resolv.conf</c>, bind-mounted by <c>ip netns exec</c>) names the
/// attachment's DNS server on the host end of the veth, port 53. The server forwards to a real dnsmasq and
/// learns into an in-memory allowlist, or into the writer given. Everything is removed on dispose, also when set-up
/// fails half-way.
/// </summary>
sealed class Workload : IAsyncDisposable
{
    readonly SandboxNamespace _namespace;
    readonly string _hostDevice;
    readonly string _etcDirectory;
    DnsServer? _server;

    Workload(SandboxNamespace ns, string hostDevice, IPAddress dnsAddress)
    {
        _namespace = ns;
        _hostDevice = hostDevice;
        DnsAddress = dnsAddress;
        _etcDirectory = Path.Combine("/etc/netns", ns.Name);
    }

    /// <summary>The host end's address, where the attachment's DNS server listens (UDP and TCP port 53).</summary>
    public IPAddress DnsAddress { get; }

    public FakeAllowlistWriter Writer { get; } = new();

    /// <summary>The workload's network namespace (<c>ip netns</c> name).</summary>
    public string NamespaceName => _namespace.Name;

    /// <summary>The workload's network namespace (bind-mount path).</summary>
    public string NamespacePath => _namespace.Path;

    public DnsServer Server => _server!;

    public DnsAttachment Attachment { get; private set; } = null!;

    /// <summary>
    /// Builds the namespace and veth, writes its resolv.conf (with <paramref name="resolverOptions"/> after
    /// <c>options</c>), starts the server forwarding to <paramref name="upstream"/> and learning into
    /// <paramref name="writer"/> (default: <see cref="Writer"/>), and applies <paramref name="policy"/>.
    /// </summary>
    public static async Task<Workload> StartAsync(IPEndPoint upstream, DnsPolicy policy, DnsServerOptions? options = null, string resolverOptions = "",
        IAllowlistWriter? writer = null)
    {
        var ns = new SandboxNamespace();
        // 198.18.0.0/15 is the benchmarking range: nobody routes it, and a random /24 keeps parallel runs apart.
        int subnet = Random.Shared.Next(512);
        var prefix = $"198.{18 + subnet / 256}.{subnet % 256}";
        var stem = ns.Name;
        var workload = new Workload(ns, stem + "h", IPAddress.Parse(prefix + ".1"));
        try
        {
            Command.Run("ip", "link", "add", stem + "h", "type", "veth", "peer", "name", stem + "w", "netns", ns.Name);
            Command.Run("ip", "addr", "add", prefix + ".1/24", "dev", stem + "h");
            Command.Run("ip", "link", "set", stem + "h", "up");
            Command.Run("ip", "-n", ns.Name, "addr", "add", prefix + ".2/24", "dev", stem + "w");
            Command.Run("ip", "-n", ns.Name, "link", "set", stem + "w", "up");
            Directory.CreateDirectory(workload._etcDirectory);
            // One attempt, a timeout longer than any held write in these tests: a resend would not change what they
            // assert, but a resolver giving up would.
            File.WriteAllText(Path.Combine(workload._etcDirectory, "resolv.conf"),
                $"nameserver {workload.DnsAddress}\noptions attempts:1 timeout:10 {resolverOptions}\n");
            options ??= new DnsServerOptions();
            workload._server = new DnsServer(options with { DefaultUpstreams = [upstream] }, writer ?? workload.Writer);
            workload.Attachment = await workload._server.OpenAsync("workload", new IPEndPoint(workload.DnsAddress, 53));
            var configured = await workload.Attachment.ConfigureAsync(policy);
            Assert.True(configured.Succeeded, $"configuring the attachment failed: {configured.Failure}");
            return workload;
        }
        catch
        {
            await workload.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a client inside the workload's namespace to completion.</summary>
    public Command.Result Run(string file, params string[] args) => _namespace.Exec(file, args);

    /// <summary>Starts a client inside the workload's namespace and lets it run.</summary>
    public Process Start(string file, params string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["netns", "exec", _namespace.Name, file, .. args]) start.ArgumentList.Add(arg);
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
    }

    /// <summary><c>dig</c> in the workload asking its DNS server, one try.</summary>
    public Command.Result Dig(params string[] args) => Run("dig", [$"@{DnsAddress}", "+time=10", "+tries=1", .. args]);

    /// <summary><c>getent ahosts</c> in the workload: glibc's getaddrinfo with the workload's resolv.conf.</summary>
    public Command.Result Getent(string name) => Run("getent", "ahosts", name);

    /// <summary>The distinct addresses a <c>getent ahosts</c> printed.</summary>
    public static IReadOnlyList<string> Addresses(string getentOutput) =>
        [.. getentOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 2)[0]).Distinct()];

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_server is not null) await _server.DisposeAsync();
        }
        finally
        {
            // Deleting the namespace deletes the veth pair with it; the host end is removed here only if it outlived it.
            _namespace.Dispose();
            // The kernel may still be tearing the pair down after the namespace went: a missing device is fine here.
            var deleted = Command.Try("ip", "link", "del", _hostDevice);
            if (deleted.ExitCode != 0 && !deleted.StdErr.Contains("Cannot find device", StringComparison.Ordinal))
                throw new InvalidOperationException($"removing {_hostDevice} failed: {deleted.StdErr.Trim()}");
            if (Directory.Exists(_etcDirectory)) Directory.Delete(_etcDirectory, recursive: true);
        }
    }
}
