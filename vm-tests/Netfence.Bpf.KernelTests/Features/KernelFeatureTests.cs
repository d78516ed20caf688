using Netfence.Bpf.Features;
using Netfence.Bpf.Memlock;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Features;

public class KernelFeatureTests
{
    public static TheoryData<string> ProbeNames => new(KernelFeatures.All.Select(p => p.Name));

    [KernelTheory]
    [MemberData(nameof(ProbeNames))]
    public void Every_probe_answers_supported_on_this_kernel(string name)
    {
        // This VM runs 6.18: every listed feature predates it, so "missing" is a probe bug.
        var probe = KernelFeatures.All.Single(p => p.Name == name);
        var status = probe.Status;
        Assert.True(status.Supported, $"{name} (≥ {probe.MinimumKernel}) probed as missing on {Environment.OSVersion.Version}");
        status.ThrowIfUnsupported();
        Assert.Same(status, probe.Status);
    }

    [KernelFact]
    public void The_table_lists_every_probe_with_its_kernel()
    {
        var table = KernelFeatures.FormatTable();
        foreach (var probe in KernelFeatures.All)
            Assert.Contains(probe.Name, table);
        Assert.Contains("≥ 5.8", table);
        Assert.DoesNotContain("missing", table);
        Assert.DoesNotContain("unknown", table);
    }

    [KernelFact]
    public void Memlock_is_left_alone_where_memcg_accounts_bpf_memory()
    {
        var limitBefore = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max locked memory", StringComparison.Ordinal));
        var outcome = MemlockLimit.EnsureSufficient();
        // 6.18 charges bpf memory to the memcg: the probe must not raise the limit (unless it was already unlimited).
        Assert.True(outcome is MemlockOutcome.KernelUsesMemcg or MemlockOutcome.AlreadyUnlimited, $"outcome {outcome}");
        Assert.Equal(outcome, MemlockLimit.EnsureSufficient());
        var limitAfter = File.ReadLines("/proc/self/limits").Single(l => l.StartsWith("Max locked memory", StringComparison.Ordinal));
        Assert.Equal(limitBefore, limitAfter);
    }
}
