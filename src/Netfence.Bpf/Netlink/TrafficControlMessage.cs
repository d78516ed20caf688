using System.Runtime.InteropServices;

namespace Netfence.Bpf.Netlink;

/// <summary><c>struct tcmsg</c>: the fixed header of qdisc and filter messages (20 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 20)]
public struct TrafficControlMessage
{
    public const int Size = 20;

    [FieldOffset(0)] public byte Family;
    [FieldOffset(4)] public int InterfaceIndex;
    [FieldOffset(8)] public uint Handle;
    [FieldOffset(12)] public uint Parent;
    /// <summary>For filters: the priority in the upper 16 bits and the protocol (network order) in the lower.</summary>
    [FieldOffset(16)] public uint Info;

    /// <summary>Reads the header at the start of a message payload.</summary>
    public static TrafficControlMessage Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size) throw new FormatException($"tcmsg needs {Size} bytes, the message has {payload.Length}");
        return MemoryMarshal.Read<TrafficControlMessage>(payload);
    }
}
