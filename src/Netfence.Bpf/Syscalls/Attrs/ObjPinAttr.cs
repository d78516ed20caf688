using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls.Attrs;

/// <summary><c>bpf_attr</c> for BPF_OBJ_PIN and BPF_OBJ_GET: 16 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
public struct ObjPinAttr
{
    [FieldOffset(0)] public ulong Pathname;
    [FieldOffset(8)] public uint BpfFd;
    [FieldOffset(12)] public uint FileFlags;
}
