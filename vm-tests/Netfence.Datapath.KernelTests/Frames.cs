using System.Buffers.Binary;
using System.Net;

namespace Netfence.Datapath.KernelTests;

/// <summary>Ethernet frames built byte by byte, independently of the datapath's structs.</summary>
internal static class Frames
{
    public static byte[] Ethernet(ushort etherType, byte[] payload, params ushort[] vlanTypes)
    {
        var frame = new List<byte>(new byte[12]);
        foreach (var tpid in vlanTypes)
        {
            frame.Add((byte)(tpid >> 8)); frame.Add((byte)tpid);
            frame.Add(0); frame.Add(7);
        }
        frame.Add((byte)(etherType >> 8)); frame.Add((byte)etherType);
        frame.AddRange(payload);
        return [.. frame];
    }

    public static byte[] Ipv4(string destination, byte protocol, ushort port, ushort fragment = 0)
    {
        var ip = new byte[20 + 8];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), fragment);
        ip[8] = 64;
        ip[9] = protocol;
        IPAddress.Parse("10.0.0.1").GetAddressBytes().CopyTo(ip, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(ip, 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(20), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(22), port);
        return ip;
    }

    /// <summary>IPv6 with the given extension headers (each 8 bytes; 44 is a first fragment) before the transport.</summary>
    public static byte[] Ipv6(string destination, byte protocol, ushort port, params byte[] extensions)
    {
        var packet = new List<byte>();
        var header = new byte[40];
        header[0] = 0x60;
        header[6] = extensions.Length > 0 ? extensions[0] : protocol;
        header[7] = 64;
        IPAddress.Parse("fd00::1").GetAddressBytes().CopyTo(header, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(header, 24);
        packet.AddRange(header);
        for (int i = 0; i < extensions.Length; i++)
        {
            var ext = new byte[8];
            ext[0] = i + 1 < extensions.Length ? extensions[i + 1] : protocol;
            packet.AddRange(ext);
        }
        var transport = new byte[8];
        if (protocol == 58) transport[0] = 135;
        BinaryPrimitives.WriteUInt16BigEndian(transport.AsSpan(0), protocol == 58 ? (ushort)(135 << 8) : (ushort)40000);
        BinaryPrimitives.WriteUInt16BigEndian(transport.AsSpan(2), port);
        packet.AddRange(transport);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)(packet.Count - 40));
        var result = packet.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(result.AsSpan(4), (ushort)(result.Length - 40));
        return result;
    }

    /// <summary>A 192-byte __sk_buff context naming the interface the program runs on.</summary>
    public static byte[] Context(int ifindex)
    {
        var ctx = new byte[192];
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(40), (uint)ifindex);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(36), (uint)ifindex);
        return ctx;
    }
}
