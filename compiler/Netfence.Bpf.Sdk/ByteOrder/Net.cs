using System.Buffers.Binary;

namespace Netfence.Bpf.Sdk;

/// <summary>Network/host byte-order conversions, compiled to BPF END (to big-endian) instructions.</summary>
public static class Net
{
    /// <summary>Network to host order, 16 bits.</summary>
    [EndianConversion(16)]
    public static ushort Ntohs(ushort value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;

    /// <summary>Host to network order, 16 bits.</summary>
    [EndianConversion(16)]
    public static ushort Htons(ushort value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;

    /// <summary>Network to host order, 32 bits.</summary>
    [EndianConversion(32)]
    public static uint Ntohl(uint value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;

    /// <summary>Host to network order, 32 bits.</summary>
    [EndianConversion(32)]
    public static uint Htonl(uint value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;

    /// <summary>Network to host order, 64 bits.</summary>
    [EndianConversion(64)]
    public static ulong Ntohll(ulong value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;

    /// <summary>Host to network order, 64 bits.</summary>
    [EndianConversion(64)]
    public static ulong Htonll(ulong value) => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;
}
