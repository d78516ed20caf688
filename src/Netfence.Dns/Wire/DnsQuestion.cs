namespace Netfence.Dns.Wire;

/// <summary>One entry of the question section.</summary>
public sealed record DnsQuestion(DnsName Name, DnsType Type, ushort Class)
{
    /// <summary>The Internet class.</summary>
    public const ushort ClassIn = 1;
}
