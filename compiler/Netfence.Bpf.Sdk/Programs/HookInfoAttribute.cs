namespace Netfence.Bpf.Sdk;

/// <summary>The kernel facts of one <see cref="Hook"/> value: the single source every stage reads.</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class HookInfoAttribute(string name, string section, int programType, int attachType, AttachMechanism mechanism, Type contextType)
    : Attribute
{
    /// <summary>The attach type of hooks the kernel attaches without one (classic tc through netlink).</summary>
    public const int NoAttachType = -1;

    /// <summary>
    /// The hook's identity in libbpf's newest section-name spelling (<c>tcx/ingress</c>, <c>tc/egress</c>,
    /// <c>cgroup/connect4</c>). The compiler records it in the object's BTF as a <c>netfence.hook=</c> declaration tag
    /// on the program's FUNC, where the loader and bytecode-inspect read it back.
    /// </summary>
    public string Name { get; } = name;

    /// <summary>
    /// The ELF section the program is written to: a name every libbpf since 1.1 understands. Every TC hook is
    /// <c>tc</c> because libbpf learnt <c>tcx/*</c> and <c>tc/ingress</c> only in 1.3, and for a SCHED_CLS program
    /// the kernel checks no expected attach type at load: TCX or netlink is decided when attaching.
    /// </summary>
    public string Section { get; } = section;

    /// <summary>The kernel's bpf_prog_type number.</summary>
    public int ProgramType { get; } = programType;

    /// <summary>
    /// The bpf_attach_type used both as expected_attach_type at load and to attach, or <see cref="NoAttachType"/>.
    /// </summary>
    public int AttachType { get; } = attachType;

    /// <summary>How the loader attaches the program.</summary>
    public AttachMechanism Mechanism { get; } = mechanism;

    /// <summary>The context type the program method takes (<see cref="SkBuff"/> or <see cref="SockAddr"/>).</summary>
    public Type ContextType { get; } = contextType;
}
