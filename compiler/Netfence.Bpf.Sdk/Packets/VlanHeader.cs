using System.Runtime.InteropServices;

namespace Netfence.Bpf.Sdk;

/// <summary>An 802.1Q tag following the Ethernet addresses; fields in network byte order.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct VlanHeader
{
    /// <summary>Tag length in bytes.</summary>
    public const int Size = 4;

    /// <summary>Priority, drop eligibility and VLAN id.</summary>
    [FieldOffset(0)] public ushort TagControl;
    /// <summary>The encapsulated EtherType.</summary>
    [FieldOffset(2)] public ushort EncapsulatedProtocol;
}
