using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls.Attrs;

/// <summary><c>bpf_attr</c> for element commands (lookup, update, delete, next key): 32 bytes.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
public struct MapElemAttr
{
    [FieldOffset(0)] public uint MapFd;
    [FieldOffset(8)] public ulong Key;
    /// <summary>The value pointer, or the next-key pointer for BPF_MAP_GET_NEXT_KEY.</summary>
    [FieldOffset(16)] public ulong ValueOrNextKey;
    [FieldOffset(24)] public ulong Flags;
}
