using System.Runtime.InteropServices;

namespace Netfence.Programs.Decisions;

/// <summary>The first four bytes of a TCP or UDP header: the ports, network order.</summary>
[StructLayout(LayoutKind.Explicit, Size = 4)]
public struct PortPair
{
    /// <summary>Source port.</summary>
    [FieldOffset(0)] public ushort Source;
    /// <summary>Destination port.</summary>
    [FieldOffset(2)] public ushort Destination;
}
