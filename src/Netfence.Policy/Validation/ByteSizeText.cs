using System.Globalization;

namespace Netfence.Policy.Validation;

/// <summary>Sizes written as a whole number of bytes or with a binary unit, e.g. <c>4096</c>, <c>512KiB</c>, <c>128MiB</c>, <c>1GiB</c>.</summary>
public static class ByteSizeText
{
    /// <summary>Parses <paramref name="text"/> into bytes.</summary>
    /// <exception cref="FormatException">The text is not a size, or is more bytes than a long holds; the message says what is accepted.</exception>
    public static long Parse(string text)
    {
        const string usage = "use a whole number of bytes, optionally with a unit KiB, MiB or GiB, e.g. 4194304, 512KiB, 128MiB";
        if (string.IsNullOrEmpty(text)) throw new FormatException($"an empty value is not a size ({usage})");
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        if (digits == 0 || digits > 12) throw new FormatException($"'{text}' is not a size ({usage})");
        long number = long.Parse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
        long unit = text[digits..] switch
        {
            "" or "B" => 1,
            "KiB" => 1L << 10,
            "MiB" => 1L << 20,
            "GiB" => 1L << 30,
            _ => throw new FormatException($"'{text}' is not a size ({usage})"),
        };
        if (number > long.MaxValue / unit) throw new FormatException($"'{text}' is too large a size");
        return number * unit;
    }
}
