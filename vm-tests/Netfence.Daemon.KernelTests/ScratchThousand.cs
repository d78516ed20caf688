using System.Diagnostics;
using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;
using Xunit.Abstractions;

namespace Netfence.Daemon.KernelTests;

public sealed class ScratchThousand(ITestOutputHelper output)
{
    [KernelFact]
    public async Task Thousand()
    {
        const int n = 1000;
        var cgroups = new List<SandboxCgroup>();
        try
        {
            for (int i = 0; i < n; i++) cgroups.Add(new SandboxCgroup());
            await using var daemon = await KernelDaemon.StartAsync(new AckingControlPlane(AckingControlPlane.Allowlist("10.0.0.0/8")));
            GC.Collect();
            long before = Process.GetCurrentProcess().WorkingSet64;
            var latencies = new List<double>();
            var total = Stopwatch.StartNew();
            foreach (var c in cgroups)
            {
                var sw = Stopwatch.StartNew();
                await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = c.Path });
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
            total.Stop();
            GC.Collect();
            long after = Process.GetCurrentProcess().WorkingSet64;
            latencies.Sort();
            var list = Stopwatch.StartNew();
            var page = await daemon.Client.ListAsync(new ListRequest { PageSize = 1000 });
            list.Stop();
            output.WriteLine($"attached {n} in {total.Elapsed.TotalSeconds:0.0}s; p50 {latencies[n / 2]:0.0} ms p99 {latencies[n * 99 / 100]:0.0} ms max {latencies[^1]:0.0} ms; " +
                $"working set {before / 1048576} MiB -> {after / 1048576} MiB (+{(after - before) / 1024 / n} KiB/attachment); list of 1000 {list.Elapsed.TotalMilliseconds:0} ms, total {page.TotalCount}");
            var restart = Stopwatch.StartNew();
            await daemon.StopAsync();
            await daemon.StartAgainAsync();
            restart.Stop();
            output.WriteLine($"restart adopting {daemon.Host.Restored.Unchanged.Count} unchanged, {daemon.Host.Restored.Repaired.Count} repaired in {restart.Elapsed.TotalSeconds:0.0}s");
            var detach = Stopwatch.StartNew();
            foreach (var a in page.Attachments) await daemon.Client.DetachAsync(new DetachRequest { Id = a.Id });
            output.WriteLine($"detached {n} in {detach.Elapsed.TotalSeconds:0.0}s");
        }
        finally
        {
            foreach (var c in cgroups) c.Dispose();
        }
    }
}
