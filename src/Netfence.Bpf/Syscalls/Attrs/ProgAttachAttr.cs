using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls.Attrs;

/// <summary><c>bpf_attr</c> for BPF_PROG_ATTACH and BPF_PROG_DETACH: 20 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 20)]
public struct ProgAttachAttr
{
    [FieldOffset(0)] public uint TargetFd;
    [FieldOffset(4)] public uint AttachBpfFd;
    [FieldOffset(8)] public uint AttachType;
    [FieldOffset(12)] public uint AttachFlags;
    [FieldOffset(16)] public uint ReplaceBpfFd;
}
