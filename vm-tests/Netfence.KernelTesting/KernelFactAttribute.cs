using Xunit;
using Xunit.Sdk;
using System.Reflection;

namespace Netfence.KernelTesting;

/// <summary>A test that needs a real kernel and root. Skips with a reason only where allowed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (KernelRequirement.SkipReason() is { } reason) Skip = reason;
    }

    /// <summary>
    /// A <see cref="Netfence.Bpf.Features.KernelFeatures"/> property the test needs (<c>nameof(KernelFeatures.TcxLinks)</c>):
    /// the test skips where the kernel predates it (see <see cref="KernelFeatureRequirement"/>).
    /// </summary>
    public string? Requires
    {
        get;
        set => Skip = KernelFeatureRequirement.SkipReason(field = value) ?? Skip;
    }
}

/// <summary>A data-driven test that needs a real kernel and root.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (KernelRequirement.SkipReason() is { } reason) Skip = reason;
    }
}

/// <summary>
/// One row of a <see cref="KernelTheoryAttribute"/> test, like <c>InlineData</c>, that skips where the kernel predates
/// the feature named by <see cref="Requires"/> (see <see cref="KernelFeatureRequirement"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class KernelInlineDataAttribute(params object?[] data) : DataAttribute
{
    /// <summary>A <see cref="Netfence.Bpf.Features.KernelFeatures"/> property this row needs.</summary>
    public string? Requires
    {
        get;
        set => Skip = KernelFeatureRequirement.SkipReason(field = value) ?? Skip;
    }

    public override IEnumerable<object?[]> GetData(MethodInfo testMethod) => [data];
}
