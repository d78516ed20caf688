using System.Buffers.Binary;

namespace Netfence.Bpf.Compiler.KernelTests;

// Frames written byte by byte, independently of the SDK's header structs.
internal static class Packets
{
    public static byte[] Ipv4(uint destination, byte protocol = 17)
    {
        var frame = new byte[14 + 20 + 8];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        frame[14] = 0x45;
        frame[14 + 8] = 64;
        frame[14 + 9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 12), 0x0A000001);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(14 + 16), destination);
        return frame;
    }

    public static byte[] Arp()
    {
        var frame = new byte[60];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0806);
        return frame;
    }
}
