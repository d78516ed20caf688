using System.Buffers.Binary;

namespace Netfence.Bpf.Sdk.Tests.Samples;

// Builds Ethernet/IPv4/TCP frames byte by byte, independently of the SDK's header structs.
internal static class Packets
{
    public static byte[] Tcp4(ushort destinationPort)
    {
        var frame = new byte[14 + 20 + 20];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        frame[14] = 0x45;
        frame[14 + 9] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 12), 0x0A000001);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 16), 0x0A000002);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(36), destinationPort);
        return frame;
    }
}
