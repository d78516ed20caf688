using System.Runtime.InteropServices;

namespace Netfence.Bpf.Info;

/// <summary><c>struct bpf_prog_info</c> up to <c>attach_btf_id</c> (232 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 232)]
internal unsafe struct BpfProgInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public fixed byte Tag[8];
    [FieldOffset(16)] public uint JitedProgLen;
    [FieldOffset(20)] public uint XlatedProgLen;
    [FieldOffset(24)] public ulong JitedProgInsns;
    [FieldOffset(32)] public ulong XlatedProgInsns;
    [FieldOffset(40)] public ulong LoadTime;
    [FieldOffset(48)] public uint CreatedByUid;
    [FieldOffset(52)] public uint NrMapIds;
    [FieldOffset(56)] public ulong MapIds;
    [FieldOffset(64)] public fixed byte Name[16];
    [FieldOffset(80)] public uint Ifindex;
    [FieldOffset(84)] public uint Flags;
    [FieldOffset(128)] public uint BtfId;
    [FieldOffset(144)] public uint NrFuncInfo;
    [FieldOffset(148)] public uint NrLineInfo;
    [FieldOffset(152)] public ulong LineInfo;
    [FieldOffset(172)] public uint LineInfoRecSize;
    [FieldOffset(192)] public ulong RunTimeNs;
    [FieldOffset(200)] public ulong RunCnt;
    [FieldOffset(216)] public uint VerifiedInsns;
}

/// <summary><c>struct bpf_map_info</c> up to <c>map_extra</c> (88 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 88)]
internal unsafe struct BpfMapInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public uint KeySize;
    [FieldOffset(12)] public uint ValueSize;
    [FieldOffset(16)] public uint MaxEntries;
    [FieldOffset(20)] public uint MapFlags;
    [FieldOffset(24)] public fixed byte Name[16];
    [FieldOffset(40)] public uint Ifindex;
    [FieldOffset(64)] public uint BtfId;
    [FieldOffset(80)] public ulong MapExtra;
}

/// <summary><c>struct bpf_link_info</c>: the common head and room for the per-type union (64 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal unsafe struct BpfLinkInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public uint ProgId;
    [FieldOffset(16)] public fixed byte Union[48];
}

/// <summary><c>struct bpf_btf_info</c> up to <c>kernel_btf</c> (32 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct BpfBtfInfo
{
    [FieldOffset(0)] public ulong Btf;
    [FieldOffset(8)] public uint BtfSize;
    [FieldOffset(12)] public uint Id;
}
