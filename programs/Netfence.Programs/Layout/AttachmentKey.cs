using System.Runtime.InteropServices;

namespace Netfence.Programs.Layout;

/// <summary>The attachment table's key: a kind (<see cref="AttachmentKinds"/>) and the id of that kind.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct AttachmentKey
{
    /// <summary>Key size in bytes.</summary>
    public const int Size = 16;

    /// <summary><see cref="AttachmentKinds.Interface"/> or <see cref="AttachmentKinds.Cgroup"/>.</summary>
    [FieldOffset(0)] public uint Kind;
    /// <summary>Always zero: hash keys compare padding too.</summary>
    [FieldOffset(4)] public uint Reserved;
    /// <summary>The ifindex or the cgroup id.</summary>
    [FieldOffset(8)] public ulong Id;
}
