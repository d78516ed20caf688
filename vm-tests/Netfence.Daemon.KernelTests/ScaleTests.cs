using System.Net;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests;

/// <summary>Pitfall 23, at the 1,000 mark: a thousand cgroups attached through the API on one host, listed, enforced, detached.</summary>
public sealed class ScaleTests
{
    const int Count = 1000;

    static string Tcp(string address, int port) =>
        $"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_STREAM); s.settimeout(3); s.connect(('{address}', {port}))";

    // Runs a connect from a process that first moves itself into the cgroup; true when it connected, false on EPERM.
    static bool Connects(string cgroup, string address, int port)
    {
        var result = Command.Try("sh", ["-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", cgroup, "python3", "-c", Tcp(address, port)]);
        if (result.ExitCode != 0 && !result.StdErr.Contains("Operation not permitted"))
            throw new InvalidOperationException($"connect from {cgroup} to {address}:{port} failed for another reason than the filter: {result.StdErr}");
        return result.ExitCode == 0;
    }

    [KernelFact]
    public async Task A_thousand_cgroups_attach_list_page_by_page_enforce_and_detach()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 0));
        listener.Listen(64);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;

        using var parent = new SandboxCgroup();
        var cgroups = Enumerable.Range(0, Count).Select(i => Path.Combine(parent.Path, $"w{i:D4}")).ToList();
        try
        {
            foreach (var cgroup in cgroups) Directory.CreateDirectory(cgroup);
            await using var daemon = await KernelDaemon.StartAsync(new AckingControlPlane(AckingControlPlane.Allowlist("127.0.0.1/32")),
                settings: new Dictionary<string, string>
                {
                    // Room for a thousand DNS servers beside the other tests' daemons.
                    ["NETFENCE_DNS_PORT_RANGE_START"] = "20000",
                    ["NETFENCE_DNS_PORT_RANGE_END"] = "22999",
                });

            // Four callers at once, as an orchestrator starting workloads would.
            var ids = new string[Count];
            var dns = new string[Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
            {
                var reply = await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = cgroups[i], Metadata = { ["n"] = i.ToString() } }, cancellationToken: ct);
                ids[i] = reply.Id;
                dns[i] = reply.DnsAddress;
            });
            Assert.Equal(Count, ids.Distinct().Count());
            Assert.Equal(Count, dns.Distinct().Count());
            Assert.Equal(Count, (await daemon.Client.GetStatusAsync(new Empty())).AttachmentCount);
            Assert.Equal(Count, Directory.GetDirectories(Path.Combine(daemon.PinDirectory, "links")).Length);

            // Pages of 100: every page says the total, no attachment is listed twice or left out.
            var listed = new List<AttachmentInfo>();
            string token = "";
            int pages = 0;
            do
            {
                var page = await daemon.Client.ListAsync(new ListRequest { PageSize = 100, PageToken = token });
                Assert.Equal(Count, page.TotalCount);
                Assert.True(page.Attachments.Count <= 100);
                listed.AddRange(page.Attachments);
                token = page.NextPageToken;
                pages++;
            }
            while (token.Length > 0 && pages <= Count);
            Assert.Equal(10, pages);
            Assert.Equal(ids.Order(), listed.Select(a => a.Id).Order());
            var whole = await daemon.Client.ListAsync(new ListRequest { PageSize = 1000 });
            Assert.Equal(Count, whole.Attachments.Count);
            Assert.Empty(whole.NextPageToken);
            var byId = listed.ToDictionary(a => a.Id);
            for (int i = 0; i < Count; i++)
            {
                Assert.Equal("/" + Path.GetRelativePath(Bpf.Links.CgroupV2.FindMount(), cgroups[i]), byId[ids[i]].Target);
                Assert.Equal(i.ToString(), byId[ids[i]].Metadata["n"]);
            }

            // A sample across the set enforces its own rules: the first, a middle one and the last attached.
            foreach (var i in new[] { 0, Count / 2, Count - 1 })
            {
                Assert.True(Connects(cgroups[i], "127.0.0.1", port), $"cgroup {i}: the allowed address");
                Assert.False(Connects(cgroups[i], "127.0.0.2", port), $"cgroup {i}: a blocked address");
            }

            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, ct) =>
                await daemon.Client.DetachAsync(new DetachRequest { Id = id }, cancellationToken: ct));
            var after = await daemon.Client.ListAsync(new ListRequest());
            Assert.Equal(0, after.TotalCount);
            Assert.Empty(after.Attachments);
            Assert.Empty(Directory.GetDirectories(Path.Combine(daemon.PinDirectory, "links")));
            Assert.DoesNotContain(daemon.MapContents().Keys, k => k.StartsWith("nf_attachments/", StringComparison.Ordinal));
            Assert.True(Connects(cgroups[Count / 2], "127.0.0.2", port));
        }
        finally
        {
            foreach (var cgroup in cgroups.Where(Directory.Exists)) Directory.Delete(cgroup);
        }
    }
}
