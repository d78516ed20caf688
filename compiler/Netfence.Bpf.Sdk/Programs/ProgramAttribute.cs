namespace Netfence.Bpf.Sdk;

/// <summary>
/// Marks <c>public static int M(Context ctx)</c> as a BPF program for <paramref name="hook"/>. Its type then holds
/// BPF code: the analyzer checks every method of it and the compiler emits the program into the hook's section.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ProgramAttribute(Hook hook) : Attribute
{
    /// <summary>The hook the program attaches to.</summary>
    public Hook Hook { get; } = hook;
}
