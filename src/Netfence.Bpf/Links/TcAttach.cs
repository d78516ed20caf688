using Netfence.Bpf.Features;
using Netfence.Bpf.Netlink;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Links;

/// <summary>Attaches SCHED_CLS programs to a network device's ingress or egress hook.</summary>
public static class TcAttach
{
    /// <summary>Attaches to the device called <paramref name="interfaceName"/> (in the options' namespace).</summary>
    public static Attachment Attach(BpfProgram program, string interfaceName, TcDirection direction, TcAttachOptions? options = null)
    {
        options ??= new TcAttachOptions();
        int ifindex;
        using (var socket = NetlinkSocket.Open(options.NamespacePath))
            ifindex = socket.GetInterfaceIndex(interfaceName);
        return Attach(program, ifindex, direction, options, interfaceName);
    }

    /// <summary>Attaches to the device with index <paramref name="ifindex"/> (in the options' namespace).</summary>
    public static Attachment Attach(BpfProgram program, int ifindex, TcDirection direction, TcAttachOptions? options = null)
        => Attach(program, ifindex, direction, options ?? new TcAttachOptions(), null);

    static Attachment Attach(BpfProgram program, int ifindex, TcDirection direction, TcAttachOptions options, string? interfaceName)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.Type != ProgramType.SchedCls)
            throw new ArgumentException($"program '{program.Name}' is {program.Type}; TC hooks take {ProgramType.SchedCls} programs", nameof(program));
        if (ifindex <= 0) throw new ArgumentOutOfRangeException(nameof(ifindex), ifindex, "an interface index must be positive");
        if (direction is not (TcDirection.Ingress or TcDirection.Egress))
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "unknown TC direction");

        var useTcx = options.Mode switch
        {
            TcAttachMode.Tcx => true,
            TcAttachMode.Netlink => false,
            TcAttachMode.Auto => TcxProbe.Links.IsSupported,
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Mode, "unknown TC attach mode"),
        };
        var where = $"{interfaceName ?? $"ifindex {ifindex}"} {direction.ToString().ToLowerInvariant()}"
                    + (options.NamespacePath is { } ns ? $" in {ns}" : "");
        if (!useTcx) return TcFilterAttachment.Attach(program, ifindex, direction, options, where);

        TcxProbe.Links.Status.ThrowIfUnsupported();
        // TCX resolves the ifindex in the calling thread's namespace, so create the link there.
        return NetworkNamespace.Run(options.NamespacePath, () =>
        {
            var attr = new LinkCreateAttr
            {
                ProgFd = (uint)program.Fd.Value,
                TargetFdOrIfindex = (uint)ifindex,
                AttachType = (uint)(direction == TcDirection.Ingress ? AttachType.TcxIngress : AttachType.TcxEgress),
            };
            return BpfLink.Create(ref attr, $"program '{program.Name}' on {where} (tcx link)");
        });
    }
}
