namespace Netfence.Bpf.Sdk;

/// <summary>
/// Marks a type whose methods are BPF code although it declares no program (shared helpers, structs with
/// methods). Methods of such types may be called from programs; the analyzer checks them as BPF code.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class BpfCodeAttribute : Attribute;
