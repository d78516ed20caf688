using Netfence.Bpf.Features;

namespace Netfence.KernelTesting;

/// <summary>
/// Skips for a missing kernel feature, the only skip NETFENCE_REQUIRE_KERNEL=1 runs on an older kernel accept
/// (vm-tests/qemu/summarize.py tells them apart by <see cref="SkipMarker"/>). A test skips only when the kernel
/// predates the feature's declared minimum and the probe confirms it is missing; on a kernel at or past the minimum
/// a missing feature is a bug, so the test runs and fails.
/// </summary>
public static class KernelFeatureRequirement
{
    /// <summary>How every feature-skip reason begins.</summary>
    public const string SkipMarker = "kernel feature missing:";

    /// <summary>The running kernel's version from <c>/proc/sys/kernel/osrelease</c> (e.g. 6.1 for 6.1.0-56-cloud-amd64).</summary>
    public static Version Running { get; } = ParseRelease(File.ReadAllText("/proc/sys/kernel/osrelease").Trim());

    /// <summary>The full release string, for messages.</summary>
    public static string Release { get; } = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    /// <summary>The leading <c>major.minor[.patch]</c> of a kernel release string.</summary>
    public static Version ParseRelease(string release)
    {
        var numeric = new string(release.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()).TrimEnd('.');
        var parts = numeric.Split('.').Select(int.Parse).ToArray();
        return parts.Length switch
        {
            >= 3 => new Version(parts[0], parts[1], parts[2]),
            2 => new Version(parts[0], parts[1]),
            _ => throw new FormatException($"not a kernel release: '{release}'"),
        };
    }

    /// <summary>True when this kernel is at least the feature's declared minimum, so the feature must be there.</summary>
    public static bool KernelShouldHave(FeatureProbe probe) => Running >= ParseRelease(probe.MinimumKernel);

    /// <summary>The named <see cref="KernelFeatures"/> property (e.g. <c>nameof(KernelFeatures.TcxLinks)</c>).</summary>
    public static FeatureProbe Probe(string name) =>
        typeof(KernelFeatures).GetProperty(name)?.GetValue(null) as FeatureProbe
        ?? throw new ArgumentException($"KernelFeatures has no probe called '{name}'", nameof(name));

    /// <summary>
    /// Why a test needing <paramref name="featureName"/> (null: none) cannot run here, or null when it can or must. Outside root
    /// the usual privilege reason; a probe that cannot decide leaves the test to run and report the real error.
    /// </summary>
    public static string? SkipReason(string? featureName)
    {
        if (featureName is null) return null;
        if (KernelRequirement.SkipReason() is { } privilege) return privilege;
        if (!KernelRequirement.IsRoot) return null;
        var probe = Probe(featureName);
        if (KernelShouldHave(probe)) return null;
        bool supported;
        try { supported = probe.IsSupported; }
        catch (Exception e) when (e is InvalidOperationException or Netfence.Bpf.Syscalls.BpfException) { return null; }
        return supported ? null : $"{SkipMarker} {probe.Name} requires kernel ≥ {probe.MinimumKernel}, this kernel is {Release}";
    }
}
