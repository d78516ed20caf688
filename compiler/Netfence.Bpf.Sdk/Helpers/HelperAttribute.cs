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

    /// <summary>
    /// Only the low 32 bits of the helper's result are defined on some supported kernels, and the result fits in them
    /// (an errno or 0): the compiler sign-extends it. 6.1's verifier turns map_update_elem and map_delete_elem into
    /// direct calls of the map type's own functions, which returned int there, leaving r0's upper half zero.
    /// </summary>
    public bool ResultIs32Bit { get; init; }
}
