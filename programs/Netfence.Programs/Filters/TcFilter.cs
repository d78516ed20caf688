using Netfence.Bpf.Sdk;
using Netfence.Programs.Decisions;
using Netfence.Programs.Layout;

namespace Netfence.Programs.Filters;

/// <summary>
/// The filter on a VM tap's or container veth's host-side device. The workload's outbound frames arrive there as
/// the device's ingress (pitfall 5). The attachment is the device itself: its ifindex keys the attachment table.
/// </summary>
public static class TcFilter
{
    /// <summary>
    /// Allowed frames return NEXT (TCX_NEXT, which classic tc reads as TC_ACT_UNSPEC): later programs on the hook
    /// still run and may drop, so attaching Netfence never grants what another filter denies (pitfall 8). Denied
    /// frames are dropped. A device without an attachment entry drops everything: the daemon writes the entry
    /// before it attaches, so a missing one means the attachment is being torn down.
    /// </summary>
    [Program(Hook.TcIngress)]
    public static int TcIngress(SkBuff ctx)
    {
        AttachmentKey key = default;
        key.Kind = AttachmentKinds.Interface;
        key.Id = ctx.Ifindex;
        ref readonly AttachmentValue attachment = ref Maps.Attachments.Lookup(key);
        if (BpfMap.IsMissing(in attachment))
            return Tcx.Drop;

        int packetClass = PacketParser.ParseFrame(ctx, out Destination destination);
        bool allowed = packetClass == PacketClass.Ip
            ? Policy.Allows(attachment, destination)
            : Policy.AllowsUnaddressed(attachment, packetClass);
        Policy.Count(attachment, allowed);
        return allowed ? Tcx.Next : Tcx.Drop;
    }
}
