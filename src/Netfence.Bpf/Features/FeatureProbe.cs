namespace Netfence.Bpf.Features;

/// <summary>The outcome of asking the kernel whether it has a feature.</summary>
/// <param name="Name">What was probed, e.g. "TCX links".</param>
/// <param name="Supported">Whether the kernel has it.</param>
/// <param name="MinimumKernel">The first kernel version that has it, for "requires kernel ≥ X" messages.</param>
public sealed record FeatureStatus(string Name, bool Supported, string MinimumKernel)
{
    /// <summary>Throws <see cref="NotSupportedException"/> naming the feature and kernel when absent.</summary>
    public void ThrowIfUnsupported()
    {
        if (!Supported)
            throw new NotSupportedException($"{Name} requires kernel ≥ {MinimumKernel}; this kernel ({Environment.OSVersion.Version}) does not have it");
    }
}

/// <summary>
/// A cached feature probe. Probes issue a deliberately minimal or invalid syscall and classify the
/// errno; only conclusive answers are cached, so a transient failure (EPERM before privileges
/// were raised, ENOMEM) is asked again next time instead of poisoning the cache.
/// </summary>
public sealed class FeatureProbe
{
    readonly Func<bool?> _probe;
    readonly object _gate = new();
    FeatureStatus? _cached;

    /// <param name="name">What the probe asks about.</param>
    /// <param name="minimumKernel">First kernel version with the feature.</param>
    /// <param name="probe">Returns true/false when conclusive, null when the answer cannot be told.</param>
    public FeatureProbe(string name, string minimumKernel, Func<bool?> probe)
    {
        Name = name;
        MinimumKernel = minimumKernel;
        _probe = probe;
    }

    public string Name { get; }
    public string MinimumKernel { get; }

    /// <summary>The kernel's answer (cached once conclusive).</summary>
    public FeatureStatus Status
    {
        get
        {
            lock (_gate)
            {
                if (_cached is not null) return _cached;
                var answer = _probe() ?? throw new InvalidOperationException($"could not tell whether the kernel supports {Name}: the probe was inconclusive (are you root?)");
                return _cached = new FeatureStatus(Name, answer, MinimumKernel);
            }
        }
    }

    public bool IsSupported => Status.Supported;
}
