using Netfence.Bpf.Features;
using Netfence.Bpf.Memlock;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Features;

public class KernelFeatureTests
{
    public static TheoryData<string> ProbeNames => new(KernelFeatures.All.Select(p => p.Name));

    [KernelTheory]
    [MemberData(nameof(ProbeNames))]
    public void Every_probe_answers_and_a_feature_as_old_as_the_kernel_is_supported(string name)
    {
        // Status throws when a probe is inconclusive. A feature that predates this kernel (all of them on the host's
        // 6.18) probed as missing is a probe bug; a newer one (TCX on Debian's 6.1 under vm-tests/qemu) must say so.
        var probe = KernelFeatures.All.Single(p => p.Name == name);
        var status = probe.Status;
        if (KernelFeatureRequirement.KernelShouldHave(probe))
        {
            Assert.True(status.Supported, $"{name} (≥ {probe.MinimumKernel}) probed as missing on {KernelFeatureRequirement.Release}");
            status.ThrowIfUnsupported();
        }
        else if (!status.Supported)
        {
            var e = Assert.Throws<NotSupportedException>(status.ThrowIfUnsupported);
            Assert.Contains($"requires kernel ≥ {probe.MinimumKernel}", e.Message);
        }
        Assert.Same(status, probe.Status);
    }

    [KernelFact]
    public void The_table_lists_every_probe_with_its_kernel()
    {
        var table = KernelFeatures.FormatTable();
        foreach (var probe in KernelFeatures.All)
            Assert.Contains(probe.Name, table);
        Assert.Contains("≥ 5.8", table);
        Assert.DoesNotContain("unknown", table);
        // "missing" only for features newer than this kernel.
        foreach (var probe in KernelFeatures.All.Where(KernelFeatureRequirement.KernelShouldHave))
            Assert.DoesNotMatch($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(probe.Name)} .*missing$", table);
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
