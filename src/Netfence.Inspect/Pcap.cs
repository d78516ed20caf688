using System.Buffers.Binary;

namespace Netfence.Inspect;

/// <summary>
/// Reads classic libpcap files (not pcapng): a 24-byte global header whose magic gives byte
/// order and timestamp resolution, then records of a 16-byte header and the captured bytes.
/// </summary>
public static class Pcap
{
    const uint Magic = 0xa1b2c3d4, MagicNanoseconds = 0xa1b23c4d;
    const int LinkTypeEthernet = 1;

    /// <summary>The first <paramref name="count"/> packets of the file.</summary>
    public static List<byte[]> Read(string path, int count)
    {
        byte[] b;
        try
        {
            b = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new InspectException($"{path}: cannot read the pcap file: {e.Message}");
        }
        if (b.Length < 24) throw new InspectException($"{path}: not a pcap file: {b.Length} bytes, the header needs 24");
        var le = BinaryPrimitives.ReadUInt32LittleEndian(b);
        bool little;
        if (le is Magic or MagicNanoseconds) little = true;
        else if (BinaryPrimitives.ReadUInt32BigEndian(b) is Magic or MagicNanoseconds) little = false;
        else if (le == 0x0a0d0d0a) throw new InspectException($"{path}: this is a pcapng file; save it as classic pcap (e.g. editcap -F pcap)");
        else throw new InspectException($"{path}: not a pcap file (magic 0x{le:x8})");
        uint U32(int off) => little ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(off)) : BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(off));
        if (U32(20) != LinkTypeEthernet) throw new InspectException($"{path}: link type {U32(20)} is not Ethernet (1); TC programs see Ethernet frames");
        var packets = new List<byte[]>();
        for (int off = 24; off < b.Length && packets.Count < count;)
        {
            if (off + 16 > b.Length) throw new InspectException($"{path}: truncated record header at byte {off}");
            var caplen = U32(off + 8);
            if (caplen > b.Length - off - 16) throw new InspectException($"{path}: the record at byte {off} claims {caplen} bytes but the file ends first");
            packets.Add(b.AsSpan(off + 16, (int)caplen).ToArray());
            off += 16 + (int)caplen;
        }
        return packets;
    }
}
