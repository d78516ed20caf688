namespace Netfence.Bpf.Sdk;

/// <summary>The kernel facts of one <see cref="Hook"/> value: the single source every stage reads.</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class HookInfoAttribute(string section, int programType, int attachType, AttachMechanism mechanism, Type contextType)
    : Attribute
{
    /// <summary>The attach type of hooks the kernel attaches without one (classic tc through netlink).</summary>
    public const int NoAttachType = -1;

    /// <summary>The libbpf-style ELF section name.</summary>
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
