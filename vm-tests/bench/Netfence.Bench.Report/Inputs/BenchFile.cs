using System.Globalization;
using System.Text.Json;

namespace Netfence.Bench.Report.Inputs;

/// <summary>
/// One benchmark's <c>NAME.json</c> as its own Report.cs wrote it, read by path of property names (camelCase, as
/// written). A missing or mistyped figure is a <see cref="ReportInputException"/> naming the file and the path, never
/// a blank cell: a report that silently dropped a figure would read as if it had been measured.
/// </summary>
internal sealed class BenchFile
{
    readonly JsonElement root;

    BenchFile(string name, string path, JsonElement root)
    {
        Name = name;
        Path = path;
        this.root = root;
    }

    /// <summary>The benchmark's name (datapath, dns, policy, scale).</summary>
    public string Name { get; }

    /// <summary>Where it was read from, for error messages.</summary>
    public string Path { get; }

    /// <summary>When the benchmark started (its <c>started</c>).</summary>
    public DateTimeOffset Started
    {
        get
        {
            var e = Get("started");
            return e.ValueKind == JsonValueKind.String && e.TryGetDateTimeOffset(out var t) ? t : throw Missing("started", "a date and time");
        }
    }

    /// <summary>How long it ran: <c>duration</c> (a TimeSpan) or, in the scale benchmark, <c>durationSeconds</c>.</summary>
    public TimeSpan Duration => root.TryGetProperty("durationSeconds", out _)
        ? TimeSpan.FromSeconds(Number("durationSeconds"))
        : TimeSpan.TryParse(String("duration"), CultureInfo.InvariantCulture, out var d) ? d : throw Missing("duration", "a time span (hh:mm:ss.fffffff)");

    /// <summary>The load average at the benchmark's start, where it records one (the datapath benchmark does not).</summary>
    public string? LoadAverage => root.TryGetProperty("loadAverage", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;

    public static BenchFile Read(string directory, string name)
    {
        var path = System.IO.Path.Combine(directory, name + ".json");
        if (!File.Exists(path))
            throw new ReportInputException($"{path} does not exist: run `./build.sh bench {name}` (or `./build.sh bench`) first");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return new BenchFile(name, path, document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new ReportInputException($"{path} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Parses <paramref name="json"/> as if read from <paramref name="path"/> (tests).</summary>
    public static BenchFile Parse(string name, string path, string json)
    {
        using var document = JsonDocument.Parse(json);
        return new BenchFile(name, path, document.RootElement.Clone());
    }

    /// <summary>The element at a dotted path, e.g. <c>attachMs.p99</c>.</summary>
    public JsonElement Get(string dottedPath) => Get(root, dottedPath, dottedPath);

    public double Number(string dottedPath) => Number(root, dottedPath, dottedPath);

    public string String(string dottedPath) => String(root, dottedPath, dottedPath);

    public bool Boolean(string dottedPath)
    {
        var e = Get(dottedPath);
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Missing(dottedPath, "true or false"),
        };
    }

    /// <summary>The array at <paramref name="dottedPath"/>; an empty one is an error (every benchmark measures something).</summary>
    public IReadOnlyList<Item> Array(string dottedPath)
    {
        var e = Get(dottedPath);
        if (e.ValueKind != JsonValueKind.Array) throw Missing(dottedPath, "an array");
        var items = e.EnumerateArray().Select((element, i) => new Item(this, $"{dottedPath}[{i}]", element)).ToList();
        return items.Count > 0 ? items : throw new ReportInputException($"{Path}: '{dottedPath}' is empty");
    }

    /// <summary>An object inside an array, read relative to itself; errors name its full path.</summary>
    internal sealed class Item(BenchFile file, string path, JsonElement element)
    {
        public double Number(string dottedPath) => file.Number(element, dottedPath, $"{path}.{dottedPath}");

        public string String(string dottedPath) => file.String(element, dottedPath, $"{path}.{dottedPath}");
    }

    JsonElement Get(JsonElement from, string dottedPath, string fullPath)
    {
        var current = from;
        foreach (var part in dottedPath.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
                throw new ReportInputException($"{Path}: no '{fullPath}' (the {Name} benchmark's JSON lacks a figure the report needs)");
        }
        return current;
    }

    double Number(JsonElement from, string dottedPath, string fullPath)
    {
        var e = Get(from, dottedPath, fullPath);
        if (e.ValueKind == JsonValueKind.Number) return e.GetDouble();
        // NaN and infinities are written as strings (AllowNamedFloatingPointLiterals): a figure that is not a number.
        throw new ReportInputException($"{Path}: '{fullPath}' is {Describe(e)}, not a number");
    }

    string String(JsonElement from, string dottedPath, string fullPath)
    {
        var e = Get(from, dottedPath, fullPath);
        return e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new ReportInputException($"{Path}: '{fullPath}' is {Describe(e)}, not a string");
    }

    ReportInputException Missing(string dottedPath, string expected) =>
        new($"{Path}: '{dottedPath}' is missing or not {expected}");

    static string Describe(JsonElement e) => e.ValueKind == JsonValueKind.String ? $"\"{e.GetString()}\"" : e.ValueKind.ToString().ToLowerInvariant();
}
