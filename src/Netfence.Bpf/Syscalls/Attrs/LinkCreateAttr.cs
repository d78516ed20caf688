using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls.Attrs;

/// <summary><c>bpf_attr</c> for BPF_LINK_CREATE with the tcx/cgroup/netkit tail: 32 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
public struct LinkCreateAttr
{
    [FieldOffset(0)] public uint ProgFd;
    /// <summary>A cgroup fd, or an ifindex for tcx and netkit.</summary>
    [FieldOffset(4)] public uint TargetFdOrIfindex;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint Flags;
    /// <summary>relative_fd or relative_id (with BPF_F_ID), for BEFORE/AFTER placement.</summary>
    [FieldOffset(16)] public uint Relative;
    [FieldOffset(24)] public ulong ExpectedRevision;
}
