namespace Netfence.Dns.Serving;

/// <summary>How a query arrived; the answer goes back the same way, and upstream too.</summary>
public enum Transport
{
    /// <summary>A UDP datagram: answers are limited in size and truncated (TC) beyond it.</summary>
    Udp,
    /// <summary>A length-framed TCP message.</summary>
    Tcp,
}
