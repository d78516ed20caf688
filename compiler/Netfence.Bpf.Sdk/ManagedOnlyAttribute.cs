namespace Netfence.Bpf.Sdk;

/// <summary>
/// Marks SDK members that exist for tests and user space only (constructing contexts, reading every CPU's
/// slot, draining a ring buffer). The analyzer rejects them inside BPF code and the compiler has no lowering
/// for them.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method | AttributeTargets.Property |
                AttributeTargets.Constructor, Inherited = false)]
public sealed class ManagedOnlyAttribute : Attribute;
