using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls.Attrs;

/// <summary><c>bpf_attr</c> for commands that take one fd (BPF_MAP_FREEZE, BPF_LINK_DETACH): 4 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 4)]
public struct FdOnlyAttr
{
    [FieldOffset(0)] public uint Fd;
}
