using Netfence.Bpf.Netlink;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Links;

/// <summary>
/// A direct-action cls_bpf filter on a clsact qdisc, made over rtnetlink: the TC attachment for
/// kernels without TCX. It holds no fd of its own and cannot be pinned; it stays until it is
/// deleted, and a later process finds it again with <see cref="Find(string, TcDirection, string, string?, bool)"/> by its name.
/// Detaching removes only this filter (by priority and handle), and the clsact qdisc only when
/// this attachment created it and no other filter remains on it.
/// </summary>
public sealed class TcFilterAttachment : Attachment
{
    TcFilterAttachment(int ifindex, TcDirection direction, string? namespacePath, ushort priority, uint handle, string name, bool createdQdisc, string where)
    {
        InterfaceIndex = ifindex;
        Direction = direction;
        NamespacePath = namespacePath;
        Priority = priority;
        Handle = handle;
        FilterName = name;
        CreatedQdisc = createdQdisc;
        Description = $"cls_bpf filter '{name}' (prio {priority}, handle 0x{handle:x}) on {where}";
    }

    public int InterfaceIndex { get; }
    public TcDirection Direction { get; }
    public string? NamespacePath { get; }
    public ushort Priority { get; }
    public uint Handle { get; }
    public string FilterName { get; }

    /// <summary>
    /// Whether the clsact qdisc was made for this filter (and may be removed with it). Persist
    /// this beside the filter's name so that a later process can pass it to <see cref="Find(string, TcDirection, string, string?, bool)"/>.
    /// </summary>
    public bool CreatedQdisc { get; }

    /// <inheritdoc />
    public override string Description { get; }

    /// <inheritdoc />
    protected override string WhyNotPinnable => "netlink tc filters are not bpf objects; find the filter again with TcFilterAttachment.Find by its name";

    uint Parent => ParentOf(Direction);

    static uint ParentOf(TcDirection direction)
        => direction == TcDirection.Ingress ? TrafficControl.ClsactIngressParent : TrafficControl.ClsactEgressParent;

    internal static TcFilterAttachment Attach(BpfProgram program, int ifindex, TcDirection direction, TcAttachOptions options, string where)
    {
        var name = options.FilterName ?? program.Name;
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("a netlink tc filter needs a name to be found again", nameof(options));
        using var socket = NetlinkSocket.Open(options.NamespacePath);
        bool created = EnsureClsact(socket, ifindex, where);
        var attachment = new TcFilterAttachment(ifindex, direction, options.NamespacePath, options.Priority, options.Handle, name, created, where);
        try
        {
            socket.Request(TcRequests.NewBpfFilter(ifindex, attachment.Parent, options.Priority, options.Handle, program.Fd.Value, name));
        }
        catch
        {
            // Leave the device as we found it.
            if (created) socket.Request(TcRequests.DeleteClsactQdisc(ifindex));
            throw;
        }
        return attachment;
    }

    /// <summary>Adds clsact; true when we created it, false when a clsact qdisc was already there.</summary>
    static bool EnsureClsact(NetlinkSocket socket, int ifindex, string where)
    {
        try
        {
            socket.Request(TcRequests.NewClsactQdisc(ifindex));
            return true;
        }
        catch (NetlinkException e) when (e.Errno == Errno.EEXIST)
        {
            // Something sits at ffff: already. Only clsact has both hooks; an "ingress" qdisc
            // there is someone else's and must not be replaced.
            var existing = socket.ListQdiscs(ifindex).FirstOrDefault(q => q.Parent == TrafficControl.ClsactParent);
            if (existing is { Kind: "clsact" }) return false;
            throw new InvalidOperationException(
                $"cannot attach on {where}: a '{existing?.Kind ?? "unknown"}' qdisc occupies the clsact handle ffff:, and it is not ours to replace", e);
        }
    }

    /// <summary>
    /// Finds the cls_bpf filters called <paramref name="filterName"/> on a device's hook, e.g. to
    /// detach what an earlier process attached. <paramref name="removeQdiscWhenEmpty"/> says
    /// whether the clsact qdisc was ours (as recorded from <see cref="CreatedQdisc"/>).
    /// </summary>
    public static IReadOnlyList<TcFilterAttachment> Find(string interfaceName, TcDirection direction, string filterName, string? namespacePath = null, bool removeQdiscWhenEmpty = false)
    {
        using var socket = NetlinkSocket.Open(namespacePath);
        return Find(socket, socket.GetInterfaceIndex(interfaceName), interfaceName, direction, filterName, namespacePath, removeQdiscWhenEmpty);
    }

    /// <summary>
    /// <see cref="Find(string, TcDirection, string, string?, bool)"/> by interface index, for a caller that keeps the
    /// index rather than the name (a device can be renamed; a new device can take an old name).
    /// </summary>
    public static IReadOnlyList<TcFilterAttachment> Find(int ifindex, TcDirection direction, string filterName, string? namespacePath = null, bool removeQdiscWhenEmpty = false)
    {
        if (ifindex <= 0) throw new ArgumentOutOfRangeException(nameof(ifindex), ifindex, "an interface index must be positive");
        using var socket = NetlinkSocket.Open(namespacePath);
        return Find(socket, ifindex, $"ifindex {ifindex}", direction, filterName, namespacePath, removeQdiscWhenEmpty);
    }

    static IReadOnlyList<TcFilterAttachment> Find(NetlinkSocket socket, int ifindex, string device, TcDirection direction, string filterName, string? namespacePath, bool removeQdiscWhenEmpty)
    {
        var parent = ParentOf(direction);
        var where = $"{device} {direction.ToString().ToLowerInvariant()}" + (namespacePath is { } ns ? $" in {ns}" : "");
        if (!HasClsact(socket, ifindex)) return [];
        return socket.ListFilters(ifindex, parent)
            .Where(f => f.Kind == "bpf" && f.Name == filterName)
            .Select(f => new TcFilterAttachment(ifindex, direction, namespacePath, f.Priority, f.Handle, filterName, removeQdiscWhenEmpty, where))
            .ToList();
    }

    /// <summary>The program id the kernel reports for this filter, or null when the filter is gone.</summary>
    public uint? ProgramId()
    {
        using var socket = NetlinkSocket.Open(NamespacePath);
        return FindOurs(socket)?.ProgramId;
    }

    /// <summary>Removes this filter, then the clsact qdisc if we created it and it is now empty.</summary>
    public override void Detach()
    {
        ThrowIfDetached();
        using var socket = NetlinkSocket.Open(NamespacePath);
        var ours = FindOurs(socket)
                   ?? throw new InvalidOperationException($"{Description} is no longer there (removed by someone else?)");
        if (ours.Kind != "bpf" || ours.Name != FilterName)
            throw new InvalidOperationException($"the filter at prio {Priority}, handle 0x{Handle:x} is a '{ours.Kind}' filter named '{ours.Name}', not ours ('{FilterName}'): leaving it alone");
        socket.Request(TcRequests.DeleteBpfFilter(InterfaceIndex, Parent, Priority, Handle));
        IsDetached = true;

        if (CreatedQdisc && HasClsact(socket, InterfaceIndex)
            && socket.ListFilters(InterfaceIndex, TrafficControl.ClsactIngressParent).Count == 0
            && socket.ListFilters(InterfaceIndex, TrafficControl.ClsactEgressParent).Count == 0)
            socket.Request(TcRequests.DeleteClsactQdisc(InterfaceIndex));
    }

    FilterInfo? FindOurs(NetlinkSocket socket)
        => HasClsact(socket, InterfaceIndex)
            ? socket.ListFilters(InterfaceIndex, Parent).FirstOrDefault(f => f.Priority == Priority && f.Handle == Handle)
            : null;

    static bool HasClsact(NetlinkSocket socket, int ifindex)
        => socket.ListQdiscs(ifindex).Any(q => q.Kind == "clsact" && q.Parent == TrafficControl.ClsactParent);

    /// <inheritdoc />
    protected override void ReleaseHandles()
    {
        // Nothing is held: the filter lives in the kernel until it is deleted.
    }
}
