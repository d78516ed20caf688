using System.Globalization;

namespace Netfence.Policy.Validation;

/// <summary>Durations written as whole numbers with units, e.g. <c>500ms</c>, <c>5s</c>, <c>1m30s</c>, <c>1h</c>.</summary>
public static class DurationText
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The text is not a duration; the message says what is accepted.</exception>
    public static TimeSpan Parse(string text)
    {
        const string usage = "use whole numbers with units ms, s, m or h, e.g. 500ms, 5s, 1m30s";
        if (string.IsNullOrEmpty(text)) throw new FormatException($"an empty value is not a duration ({usage})");
        var total = TimeSpan.Zero;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            if (i == start || i - start > 9) throw new FormatException($"'{text}' is not a duration ({usage})");
            long number = long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
            total += text[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                _ => throw new FormatException($"'{text}' is not a duration ({usage})"),
            };
        }
        return total;
    }
}
