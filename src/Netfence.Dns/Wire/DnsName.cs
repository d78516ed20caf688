using System.Text;

namespace Netfence.Dns.Wire;

/// <summary>
/// A domain name held in its uncompressed wire form (length-prefixed labels ending in the zero root
/// label, at most 255 octets). Keeping the octets rather than presentation text means that a label
/// holding a '.' or a control byte can never be confused with two labels, and that a name is written
/// back exactly as it was read (case included: clients may use 0x20 case randomisation).
/// </summary>
public sealed class DnsName : IEquatable<DnsName>
{
    /// <summary>The longest name on the wire, root label included.</summary>
    public const int MaxWireLength = 255;

    /// <summary>The longest label.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>The root name.</summary>
    public static DnsName Root { get; } = new([0]);

    readonly byte[] _wire;
    string? _text;

    DnsName(byte[] wire) => _wire = wire;

    /// <summary>The uncompressed wire form.</summary>
    public ReadOnlySpan<byte> Wire => _wire;

    /// <summary>
    /// The lower-case presentation form without the trailing dot ("" for the root), comparable with
    /// <see cref="Netfence.Policy.Rules.DomainName"/>'s canonical names. Octets other than letters,
    /// digits, '-' and '_' are written as <c>\DDD</c>, so such a name never equals a rule's name.
    /// </summary>
    public string Text => _text ??= BuildText();

    /// <summary>The length of <see cref="Text"/> in characters, i.e. the name length that limits apply to.</summary>
    public int TextLength => Text.Length;

    /// <summary>Builds a name from the uncompressed wire octets the reader assembled (validated by the caller).</summary>
    internal static DnsName FromValidatedWire(ReadOnlySpan<byte> wire) => wire.Length == 1 ? Root : new DnsName(wire.ToArray());

    /// <summary>Builds a name from presentation text of plain labels ("example.com" or "example.com."); no escapes.</summary>
    /// <exception cref="ArgumentException">A label is empty or longer than 63 octets, or the name longer than 255.</exception>
    public static DnsName Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = text.EndsWith('.') ? text[..^1] : text;
        if (name.Length == 0) return Root;
        var labels = name.Split('.');
        var wire = new byte[name.Length + 2];
        int at = 0;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength) throw new ArgumentException($"'{text}' has a label of {label.Length} octets", nameof(text));
            wire[at++] = (byte)label.Length;
            foreach (var c in label)
            {
                if (c > 0x7F) throw new ArgumentException($"'{text}' is not ASCII", nameof(text));
                wire[at++] = (byte)c;
            }
        }
        wire[at++] = 0;
        if (at > MaxWireLength) throw new ArgumentException($"'{text}' is {at} octets on the wire; the limit is {MaxWireLength}", nameof(text));
        return new DnsName(wire);
    }

    string BuildText()
    {
        if (_wire.Length == 1) return "";
        if (IsPlain()) return PlainText();
        var sb = new StringBuilder(_wire.Length);
        int at = 0;
        while (_wire[at] != 0)
        {
            int length = _wire[at++];
            if (sb.Length > 0) sb.Append('.');
            for (int i = 0; i < length; i++)
            {
                byte b = _wire[at++];
                if (b is >= (byte)'A' and <= (byte)'Z') sb.Append((char)(b | 0x20));
                else if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_') sb.Append((char)b);
                else sb.Append('\\').Append(b.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    // Whether every label octet is a letter, digit, '-' or '_' (no escapes): the presentation form is then as long
    // as the wire form less its first length octet and the root label, and is built without a StringBuilder.
    bool IsPlain()
    {
        int at = 0;
        while (_wire[at] != 0)
        {
            int length = _wire[at++];
            for (int i = 0; i < length; i++)
            {
                byte b = _wire[at++];
                if (!(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_')) return false;
            }
        }
        return true;
    }

    string PlainText() => string.Create(_wire.Length - 2, _wire, static (text, wire) =>
    {
        int at = 0, to = 0;
        while (wire[at] != 0)
        {
            if (to > 0) text[to++] = '.';
            int length = wire[at++];
            for (int i = 0; i < length; i++) text[to++] = (char)Lower(wire[at++]);
        }
    });

    /// <summary>Compares ignoring ASCII case, as DNS does.</summary>
    public bool Equals(DnsName? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._wire.Length != _wire.Length) return false;
        for (int i = 0; i < _wire.Length; i++)
        {
            if (Lower(_wire[i]) != Lower(other._wire[i])) return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DnsName);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var b in _wire) hash.Add(Lower(b));
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => Text.Length == 0 ? "." : Text + ".";

    // Length octets are at most 63, below 'A', so lowering every octet never changes a length.
    static byte Lower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
}
