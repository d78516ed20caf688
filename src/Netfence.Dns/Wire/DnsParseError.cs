namespace Netfence.Dns.Wire;

/// <summary>Why a message was rejected by <see cref="DnsMessageReader"/>.</summary>
public enum DnsParseError
{
    /// <summary>Nothing was wrong.</summary>
    None = 0,
    /// <summary>Shorter than the 12-octet header.</summary>
    ShortHeader,
    /// <summary>A field or name runs past the end of the message.</summary>
    Truncated,
    /// <summary>The section counts need more octets than the message has.</summary>
    CountsExceedMessage,
    /// <summary>A label type other than a plain label or a compression pointer.</summary>
    BadLabelType,
    /// <summary>A compression pointer that does not point strictly backwards into the message body, or too many of them.</summary>
    BadPointer,
    /// <summary>A name longer than 255 octets on the wire.</summary>
    NameTooLong,
    /// <summary>An RDATA whose length disagrees with its type (an A record that is not 4 octets, a name that does not fill it).</summary>
    BadRdata,
    /// <summary>More than one OPT record, or one outside the additional section or not owned by the root.</summary>
    BadOpt,
    /// <summary>Octets left after the last record.</summary>
    TrailingData,
}
