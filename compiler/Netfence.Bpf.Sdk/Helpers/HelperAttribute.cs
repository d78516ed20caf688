namespace Netfence.Bpf.Sdk;

/// <summary>The kernel helper (bpf_func_id) an SDK method compiles to a call of.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class HelperAttribute(int id) : Attribute
{
    /// <summary>The helper id, e.g. 5 for bpf_ktime_get_ns.</summary>
    public int Id { get; } = id;

    /// <summary>
    /// The program types (bpf_prog_type numbers) that offer the helper on every kernel Netfence supports (6.1 and
    /// later); empty for the kernel's base helpers, which every program type has (maps, clocks, random numbers, the
    /// CPU number, ring buffers). A program of another type that calls it does not load on 6.1 ("unknown func"), so
    /// the analyzer and the compiler reject the call (NF0037). Newer kernels offer some of these helpers to more types.
    /// </summary>
    public int[] ProgramTypes { get; init; } = [];
}
