using System.Buffers.Binary;

namespace Netfence.Demo;

/// <summary>Hand-built Ethernet frames for test runs (no checksums: the filter does not read them).</summary>
static class Packets
{
    public static byte[] Ipv4(byte protocol, ushort destinationPort, int ihlWords = 5)
    {
        int ipLength = ihlWords * 4;
        var frame = new byte[14 + ipLength + 8];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        frame[14] = (byte)(0x40 | ihlWords);
        // A consistent total length and TTL: the kernel's test run validates the IPv4 header.
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 2), (ushort)(ipLength + 8));
        frame[14 + 8] = 64;
        frame[14 + 9] = protocol;
        new byte[] { 10, 200, 0, 2 }.CopyTo(frame, 14 + 12);
        new byte[] { 10, 200, 0, 1 }.CopyTo(frame, 14 + 16);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + ipLength), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + ipLength + 2), destinationPort);
        return frame;
    }

    public static byte[] Udp(ushort port) => Ipv4(17, port);

    public static byte[] Tcp(ushort port) => Ipv4(6, port);

    public static byte[] Arp()
    {
        var frame = new byte[42];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0806);
        return frame;
    }

    /// <summary>A frame cut off <paramref name="length"/> bytes in.</summary>
    public static byte[] Cut(byte[] frame, int length) => frame[..length];
}
