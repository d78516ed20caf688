using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Netfence.Bpf.Maps;

/// <summary>
/// Strict CIDR text parsing for rules. <see cref="IPAddress.Parse(string)"/> accepts forms that
/// are almost never what a rule author meant ("10.1" is 10.0.0.1, "010.0.0.1" may be octal,
/// "fe80::1%eth0" carries a scope), so those are refused here with a message that names the
/// text and the problem. A network with host bits set ("10.0.0.1/8") is refused rather than
/// silently canonicalised, because it usually means a typo in the address or the length; the
/// message suggests the canonical network.
/// </summary>
public static class Cidr
{
    /// <summary>Parses <c>address/length</c>, e.g. <c>10.0.0.0/8</c>, <c>2001:db8::/32</c>, <c>::ffff:10.0.0.0/104</c>.</summary>
    /// <exception cref="FormatException">The text is not a canonical CIDR; the message says why.</exception>
    public static IPNetwork Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int slash = text.IndexOf('/');
        if (slash < 0) throw Bad(text, "the prefix length is missing (write address/length, e.g. 10.0.0.0/8 or 192.0.2.1/32)");
        var addressText = text[..slash];
        var lengthText = text[(slash + 1)..];
        if (addressText.Length == 0) throw Bad(text, "the address before '/' is empty");
        if (addressText.AsSpan().ContainsAny(" \t\r\n") || lengthText.AsSpan().ContainsAny(" \t\r\n")) throw Bad(text, "it contains whitespace");
        if (addressText.Contains('%')) throw Bad(text, "scoped addresses (%interface) cannot be rules");

        IPAddress address;
        if (addressText.Contains(':'))
        {
            if (!IPAddress.TryParse(addressText, out address!) || address.AddressFamily != AddressFamily.InterNetworkV6)
                throw Bad(text, $"'{addressText}' is not an IPv6 address");
        }
        else
        {
            address = ParseDottedQuad(text, addressText);
        }

        int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (lengthText.Length == 0 || lengthText.Length > 3 || (lengthText.Length > 1 && lengthText[0] == '0')
            || !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            throw Bad(text, $"the prefix length '{lengthText}' is not a number from 0 to {max}");
        if (length > max) throw Bad(text, $"the prefix length {length} is longer than the {max} bits of an {(max == 32 ? "IPv4" : "IPv6")} address");

        var canonical = Mask(address, length);
        if (!canonical.Equals(address))
            throw Bad(text, $"host bits are set after the /{length} prefix (did you mean {canonical}/{length}?)");
        return new IPNetwork(address, length);
    }

    /// <summary>Like <see cref="Parse"/>, returning the problem instead of throwing.</summary>
    public static bool TryParse(string text, out IPNetwork network, out string? problem)
    {
        try
        {
            network = Parse(text);
            problem = null;
            return true;
        }
        catch (FormatException e)
        {
            network = default;
            problem = e.Message;
            return false;
        }
    }

    static IPAddress ParseDottedQuad(string text, string addressText)
    {
        var parts = addressText.Split('.');
        if (parts.Length != 4) throw Bad(text, $"'{addressText}' is not a dotted-quad IPv4 address (four numbers 0-255)");
        var bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            var p = parts[i];
            if (p.Length == 0 || p.Length > 3 || (p.Length > 1 && p[0] == '0')
                || !byte.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
                throw Bad(text, $"'{p}' in '{addressText}' is not a number from 0 to 255 without leading zeros");
        }
        return new IPAddress(bytes);
    }

    /// <summary>The address with every bit after <paramref name="length"/> cleared.</summary>
    internal static IPAddress Mask(IPAddress address, int length)
    {
        var bytes = address.GetAddressBytes();
        for (int bit = length; bit < bytes.Length * 8; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }

    static FormatException Bad(string text, string problem) => new($"invalid CIDR '{text}': {problem}");
}
