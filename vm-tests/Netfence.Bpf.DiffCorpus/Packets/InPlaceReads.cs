using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.DiffCorpus.Packets;

/// <summary>
/// Header fields where the compiler reads them from the packet through the checked pointer instead of from TryRead's
/// copy (compiler/Netfence.Bpf.Compiler/Passes/ReadPacketInPlace.cs), and where it must keep the copy: read only after
/// TryWrite changed the bytes under it, read whether or not the read fitted (zero when it did not), read after a
/// helper call, and the tags of a loop, each read in the iteration that checked it.
/// </summary>
public static class InPlaceReads
{
    /// <summary>The EtherType as read before TryWrite replaced it (first used after the write), and as read after.</summary>
    [Program(Hook.TcIngress)]
    public static int ReadAfterRewrite(SkBuff skb)
    {
        if (!skb.TryRead(12, out ushort original))
            return -1;
        if (!skb.TryWrite(12, (ushort)0x5A5A))
            return -2;
        if (!skb.TryRead(12, out ushort rewritten))
            return -3;
        return original | (rewritten << 16);
    }

    /// <summary>A word at offset 30 whether or not the frame reaches it: .NET's TryRead leaves default when it does not.</summary>
    [Program(Hook.TcIngress)]
    public static int ReadWithoutBranch(SkBuff skb)
    {
        bool fitted = skb.TryRead(30, out uint word);
        return (int)(word >> 4) ^ (fitted ? 1 : 0);
    }

    /// <summary>IPv4 header fields read before and after a helper call (the frame's bytes at 14, whatever they hold).</summary>
    [Program(Hook.TcIngress)]
    public static int ReadAcrossHelper(SkBuff skb)
    {
        if (!skb.TryRead(EthernetHeader.Size, out Ipv4Header ip))
            return -1;
        int before = ip.Ttl ^ (ip.VersionIhl << 8);
        if (Sdk.Bpf.GetSmpProcessorId() > 100000)
            return -2;
        return before ^ (ip.Protocol << 16) ^ (int)(ip.Destination & 0x7F00FF00);
    }

    /// <summary>Up to three 802.1Q tags from offset 12, each tag's fields folded in the iteration that read it.</summary>
    [Program(Hook.TcIngress)]
    public static int TagsInLoop(SkBuff skb)
    {
        int offset = 12;
        int folded = 0;
        for (int i = 0; i < 3; i++)
        {
            if (!skb.TryRead(offset, out VlanHeader tag))
                return -1 - i;
            folded = folded * 31 + tag.TagControl + (tag.EncapsulatedProtocol << 3);
            offset += VlanHeader.Size;
            if (Net.Ntohs(tag.TagControl) != EtherType.Vlan)
                break;
        }
        return folded;
    }
}
