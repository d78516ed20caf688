using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls.Attrs;

/// <summary><c>bpf_attr</c> for BPF_OBJ_GET_INFO_BY_FD: 16 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct ObjInfoAttr
{
    [FieldOffset(0)] public uint BpfFd;
    [FieldOffset(4)] public uint InfoLen;
    [FieldOffset(8)] public ulong Info;
}
