using System.Globalization;
using Netfence.Policy.Validation;

namespace Netfence.Policy.Rules;

/// <summary>
/// Canonical domain names: lower-case ASCII (IDNA "xn--" form for international names), no trailing
/// dot, labels of 1-63 octets of letters, digits, '-' and '_', at most 253 octets in all. One spelling
/// per name means that "Example.COM." and "example.com" are one rule and one cache key.
/// </summary>
public static class DomainName
{
    /// <summary>The longest name in presentation form without the trailing dot (255 octets on the wire).</summary>
    public const int MaxLength = 253;

    /// <summary>The longest label.</summary>
    public const int MaxLabelLength = 63;

    // Underscores appear in real names (_dmarc, SRV owners), so the STD3 host-name rules are too strict.
    static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    /// <summary>Normalises <paramref name="text"/> to the canonical form.</summary>
    /// <exception cref="PolicyValidationException">The text is not a domain name; the message says why.</exception>
    public static string Normalize(string text, string field)
    {
        if (string.IsNullOrEmpty(text)) throw new PolicyValidationException(field, "the domain is empty");
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                throw new PolicyValidationException(field, $"'{Printable(text)}' contains whitespace or a control character");
        }
        var name = text.EndsWith('.') ? text[..^1] : text;
        if (name.Length == 0) throw new PolicyValidationException(field, "the root '.' is not a domain that can be filtered");
        if (name.StartsWith('.') || name.Contains("..", StringComparison.Ordinal))
            throw new PolicyValidationException(field, $"'{text}' has an empty label");

        // IdnMapping rejects long labels too, but with a message that does not say which or why.
        foreach (var label in name.Split('.'))
        {
            if (label.Length > MaxLabelLength)
                throw new PolicyValidationException(field, $"label '{label}' of '{text}' is {label.Length} characters long; the limit is {MaxLabelLength}");
        }
        string ascii;
        try
        {
            ascii = Idn.GetAscii(name);
        }
        catch (ArgumentException e)
        {
            throw new PolicyValidationException(field, $"'{text}' is not a valid internationalised domain name ({e.Message.TrimEnd('.')})");
        }
        ascii = ascii.ToLowerInvariant();

        if (ascii.Length > MaxLength)
            throw new PolicyValidationException(field, $"'{text}' is {ascii.Length} characters long in ASCII form; the limit is {MaxLength}");
        foreach (var label in ascii.Split('.'))
        {
            if (label.Length > MaxLabelLength)
                throw new PolicyValidationException(field, $"label '{label}' of '{text}' is {label.Length} characters long; the limit is {MaxLabelLength}");
            foreach (var c in label)
            {
                if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_'))
                    throw new PolicyValidationException(field, $"'{text}' contains '{c}', which is not allowed in a domain name");
            }
            if (label.StartsWith('-') || label.EndsWith('-'))
                throw new PolicyValidationException(field, $"label '{label}' of '{text}' starts or ends with '-'");
        }
        return ascii;
    }

    static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
