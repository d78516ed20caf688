using System.Net;
using System.Net.Sockets;

namespace Netfence.Dns.Filtering;

/// <summary>
/// Addresses a public name should never resolve to (pitfall 18): unspecified, private (RFC 1918),
/// loopback, link-local (including the 169.254.169.254 metadata service), CGNAT (100.64.0.0/10),
/// multicast and reserved IPv4; and in IPv6 the unspecified and loopback addresses, link- and
/// site-local, unique local (fc00::/7), multicast, plus every IPv6 form that embeds an IPv4 address
/// (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, NAT64 64:ff9b::/96), judged by the IPv4 inside.
/// </summary>
public static class RebindingGuard
{
    /// <summary>Whether <paramref name="address"/> points inside a host or site rather than at the public Internet.</summary>
    public static bool IsInternal(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(b, out _);
            return IsInternalV4(b);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;
        address.TryWriteBytes(b, out _);
        if (address.IsIPv4MappedToIPv6) return IsInternalV4(b[12..]);
        bool firstTwelveZero = b[..12].IndexOfAnyExcept((byte)0) < 0;
        if (firstTwelveZero) return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
        // NAT64 well-known prefix 64:ff9b::/96 carries an IPv4 address in the last four octets.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].IndexOfAnyExcept((byte)0) < 0)
            return IsInternalV4(b[12..]);
        if ((b[0] & 0xFE) == 0xFC) return true;                  // fc00::/7 unique local
        if (b[0] == 0xFE && (b[1] & 0xC0) is 0x80 or 0xC0) return true; // fe80::/10 link-local, fec0::/10 site-local
        if (b[0] == 0xFF) return true;                            // multicast
        return false;
    }

    static bool IsInternalV4(ReadOnlySpan<byte> a) =>
        a[0] == 0                                   // 0.0.0.0/8
        || a[0] == 10                               // 10.0.0.0/8
        || a[0] == 127                              // loopback
        || (a[0] == 169 && a[1] == 254)             // link-local and the metadata service
        || (a[0] == 172 && (a[1] & 0xF0) == 16)     // 172.16.0.0/12
        || (a[0] == 192 && a[1] == 168)             // 192.168.0.0/16
        || (a[0] == 100 && (a[1] & 0xC0) == 64)     // 100.64.0.0/10 CGNAT
        || (a[0] == 192 && a[1] == 0 && a[2] == 0)  // 192.0.0.0/24 IETF protocol assignments
        || a[0] >= 224;                             // multicast, reserved and broadcast
}
