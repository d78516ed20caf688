namespace Netfence.Bpf.Netlink;

/// <summary>A qdisc as reported by an RTM_GETQDISC dump.</summary>
public sealed record QdiscInfo(int InterfaceIndex, string Kind, uint Handle, uint Parent);

/// <summary>
/// A filter as reported by an RTM_GETTFILTER dump. <see cref="Name"/> and
/// <see cref="ProgramId"/> are set for cls_bpf filters.
/// </summary>
public sealed record FilterInfo(int InterfaceIndex, uint Parent, string Kind, ushort Priority, uint Handle, string? Name, uint? ProgramId);
