namespace Netfence.Bpf.Sdk;

/// <summary>The kernel helper (bpf_func_id) an SDK method compiles to a call of.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class HelperAttribute(int id) : Attribute
{
    /// <summary>The helper id, e.g. 5 for bpf_ktime_get_ns.</summary>
    public int Id { get; } = id;
}
