namespace Netfence.Programs.Decisions;

/// <summary>What parsing made of a frame or packet.</summary>
public static class PacketClass
{
    /// <summary>An IP packet whose destination was read.</summary>
    public const int Ip = 0;
    /// <summary>ARP or IPv6 neighbour discovery: always passes, connectivity needs it.</summary>
    public const int Neighbour = 1;
    /// <summary>Another ethertype: passes only where the mode lets everything without a rule pass.</summary>
    public const int OtherEthertype = 2;
    /// <summary>Truncated or malformed: passes only in disabled mode.</summary>
    public const int Malformed = 3;
}
