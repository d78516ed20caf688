using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls.Attrs;

/// <summary><c>bpf_attr</c> for BPF_PROG_QUERY, including the link ids and revision of 6.6+ (64 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
public struct ProgQueryAttr
{
    /// <summary>A cgroup fd, or an ifindex for tcx.</summary>
    [FieldOffset(0)] public uint TargetFdOrIfindex;
    [FieldOffset(4)] public uint AttachType;
    [FieldOffset(8)] public uint QueryFlags;
    [FieldOffset(12)] public uint AttachFlags;
    [FieldOffset(16)] public ulong ProgIds;
    [FieldOffset(24)] public uint Count;
    [FieldOffset(32)] public ulong ProgAttachFlags;
    [FieldOffset(40)] public ulong LinkIds;
    [FieldOffset(48)] public ulong LinkAttachFlags;
    [FieldOffset(56)] public ulong Revision;
}
