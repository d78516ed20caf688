using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls.Attrs;

/// <summary><c>bpf_attr</c> for the *_GET_NEXT_ID and *_GET_FD_BY_ID commands: 12 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 12)]
public struct IdAttr
{
    /// <summary>start_id for GET_NEXT_ID; prog_id/map_id/link_id for GET_FD_BY_ID.</summary>
    [FieldOffset(0)] public uint Id;
    [FieldOffset(4)] public uint NextId;
    [FieldOffset(8)] public uint OpenFlags;
}
