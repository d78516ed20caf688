using Xunit;

namespace Netfence.KernelTesting;

/// <summary>A test that needs a real kernel and root. Skips with a reason only where allowed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (KernelRequirement.SkipReason() is { } reason) Skip = reason;
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
