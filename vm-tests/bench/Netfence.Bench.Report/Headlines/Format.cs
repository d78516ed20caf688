using System.Globalization;

namespace Netfence.Bench.Report.Headlines;

/// <summary>Number formats of the combined table, invariant so the README reads the same wherever it was made.</summary>
internal static class Format
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Ratio(double r) => r.ToString("0.00", Inv);

    public static string RatioRange(double min, double max) => min.ToString("0.00", Inv) == max.ToString("0.00", Inv) ? Ratio(min) : $"{Ratio(min)}–{Ratio(max)}";

    public static string Count(double n) => n.ToString("N0", Inv);

    /// <summary>Milliseconds with one decimal below 100, whole above.</summary>
    public static string Ms(double ms) => ms.ToString(ms < 100 ? "0.0" : "N0", Inv);

    public static string Seconds(double s) => s.ToString("0.00", Inv);

    public static string Signed(double value, string format) => value.ToString($"+{format};-{format};{format}", Inv);

    public static string Us(double us) => us.ToString("0.0", Inv);

    public static string Of(string format, double value) => value.ToString(format, Inv);
}
