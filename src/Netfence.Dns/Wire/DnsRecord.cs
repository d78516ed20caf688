using System.Net;

namespace Netfence.Dns.Wire;

/// <summary>
/// A resource record. <see cref="Data"/> is the RDATA with any compressed names expanded, so the record
/// can be written into another message; <see cref="Target"/> is the name inside CNAME, DNAME, NS and
/// PTR records.
/// </summary>
public sealed record DnsRecord(DnsName Name, DnsType Type, ushort Class, uint Ttl, byte[] Data, DnsName? Target = null)
{
    /// <summary>The address of an A or AAAA record, otherwise null.</summary>
    public IPAddress? Address => Type switch
    {
        DnsType.A when Data.Length == 4 => new IPAddress(Data),
        DnsType.AAAA when Data.Length == 16 => new IPAddress(Data),
        _ => null,
    };

    /// <summary>An A or AAAA record for <paramref name="address"/>.</summary>
    public static DnsRecord ForAddress(DnsName name, IPAddress address, uint ttl) =>
        new(name, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? DnsType.A : DnsType.AAAA,
            DnsQuestion.ClassIn, ttl, address.GetAddressBytes());

    /// <summary>A copy with another TTL.</summary>
    public DnsRecord WithTtl(uint ttl) => this with { Ttl = ttl };
}
