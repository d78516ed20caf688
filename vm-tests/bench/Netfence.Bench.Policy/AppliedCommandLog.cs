using System.Text.Json;

namespace Netfence.Bench.Policy;

/// <summary>
/// netfenced's Debug line for one applied command (AttachmentManager's <c>CommandApplied</c> event, log.format json):
/// when it began applying (wall clock) and how long each phase took, in ms.
/// </summary>
internal sealed record AppliedCommandLog(string Command, int Prefixes, DateTimeOffset Began, double ValidateMs, double PrepareMs, double WriteMs,
    double FlipMs, double GraceWaitMs, double ClearMs, double StoreMs, double DnsMs)
{
    const int EventId = 3100;

    /// <summary>The entry of <paramref name="line"/>, or null when the line is another event (or not JSON at all).</summary>
    public static AppliedCommandLog? TryParse(string line)
    {
        if (!line.StartsWith('{')) return null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return null; // not a log entry (log.format json writes one object per line)
        }
        using var owned = document;
        var root = document.RootElement;
        if (!root.TryGetProperty("EventId", out var id) || id.ValueKind != JsonValueKind.Number || id.GetInt32() != EventId) return null;
        var state = root.GetProperty("State");
        double Number(string name)
        {
            var e = state.TryGetProperty(name, out var v) ? v : throw new FormatException($"netfenced's CommandApplied line has no '{name}': {line}");
            return e.ValueKind == JsonValueKind.Number ? e.GetDouble()
                : double.Parse(e.GetString() ?? "", System.Globalization.CultureInfo.InvariantCulture);
        }
        return new AppliedCommandLog(state.GetProperty("Command").GetString()!, (int)Number("Prefixes"),
            DateTimeOffset.UnixEpoch.AddTicks((long)Number("BeganUnixUs") * 10),
            Number("ValidateMs"), Number("PrepareMs"), Number("WriteMs"), Number("FlipMs"), Number("GraceWaitMs"), Number("ClearMs"), Number("StoreMs"), Number("DnsMs"));
    }
}
