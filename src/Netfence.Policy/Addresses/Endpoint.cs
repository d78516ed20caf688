using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Netfence.Bpf.Maps;
using Netfence.Policy.Validation;

namespace Netfence.Policy.Addresses;

/// <summary>
/// Strict "ip", "ip:port", "[ipv6]:port" and bare IPv6 text, used for DNS upstreams and DNS listen
/// addresses. The address itself goes through <see cref="Cidr"/> (as a host network) so that the
/// same forms are refused everywhere: "10.1", octal-looking parts, scoped IPv6.
/// </summary>
public static class Endpoint
{
    /// <summary>Parses <paramref name="text"/>; a missing port becomes <paramref name="defaultPort"/>.</summary>
    /// <exception cref="PolicyValidationException">The text is not an address with an optional port.</exception>
    public static IPEndPoint Parse(string text, int defaultPort, string field)
    {
        if (string.IsNullOrEmpty(text)) throw new PolicyValidationException(field, "the address is empty");
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0) throw new PolicyValidationException(field, $"'{text}' opens '[' without closing it");
            host = text[1..close];
            var after = text[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':') throw new PolicyValidationException(field, $"'{text}' has '{after}' after ']' (write [ipv6]:port)");
                port = after[1..];
            }
            if (!host.Contains(':')) throw new PolicyValidationException(field, $"'{text}' puts '{host}' in brackets, which are only for IPv6 addresses");
        }
        else if (text.Count(c => c == ':') == 1)
        {
            int colon = text.IndexOf(':');
            host = text[..colon];
            port = text[(colon + 1)..];
        }
        else
        {
            host = text;
        }

        bool v6 = host.Contains(':');
        if (!Cidr.TryParse(host + (v6 ? "/128" : "/32"), out var network, out _))
            throw new PolicyValidationException(field, $"'{host}' in '{text}' is not an IPv4 or IPv6 address");
        int portNumber = defaultPort;
        if (port is not null)
        {
            if (port.Length == 0 || port.Length > 5 || (port.Length > 1 && port[0] == '0')
                || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out portNumber)
                || portNumber is < 1 or > 65535)
                throw new PolicyValidationException(field, $"the port '{port}' in '{text}' is not a number from 1 to 65535");
        }
        var address = network.BaseAddress;
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return new IPEndPoint(address, portNumber);
    }

    /// <summary>Canonical text: "ip:port" or "[ipv6]:port".</summary>
    public static string Format(IPEndPoint endpoint) => endpoint.ToString();
}
