using Netfence.Policy.Validation;

namespace Netfence.Daemon.Configuration;

/// <summary>
/// Types raw settings, collecting every problem as "key (source): problem" instead of stopping at the
/// first, so that one start-up shows everything to fix. Records which keys were read so that a key
/// added to the defaults but never consumed is caught by a test.
/// </summary>
sealed class SettingReader(IReadOnlyDictionary<string, RawSetting> values, SettingCatalogue catalogue)
{
    readonly HashSet<string> read = new(StringComparer.Ordinal);

    public List<string> Errors { get; } = [];

    public IReadOnlySet<string> KeysRead => read;

    /// <summary>The source of a key's value, for messages that involve two keys.</summary>
    public string SourceOf(string key) => values.TryGetValue(key, out var raw) ? raw.Source : "unset";

    /// <summary>The scalar value parsed by <paramref name="parse"/>, or <paramref name="fallback"/> if unset or invalid.</summary>
    public T Scalar<T>(string key, Func<string, T> parse, T fallback)
    {
        Expect(key, SettingKind.Scalar);
        if (!values.TryGetValue(key, out var raw) || raw.Scalar is null) return fallback;
        return Guard(key, raw, () => parse(raw.Scalar), fallback);
    }

    /// <summary>A string that may be unset.</summary>
    public string? OptionalString(string key, Func<string, string>? check = null) =>
        Scalar<string?>(key, text => check is null ? text : check(text), null);

    /// <summary>The list value, each item parsed by <paramref name="parse"/> with its index.</summary>
    public List<T> List<T>(string key, Func<string, T> parse)
    {
        Expect(key, SettingKind.List);
        var result = new List<T>();
        if (!values.TryGetValue(key, out var raw) || raw.List is null) return result;
        for (int i = 0; i < raw.List.Count; i++)
        {
            var item = raw.List[i];
            var ok = Guard($"{key}[{i}]", raw, () => (true, parse(item)), (false, default(T)!));
            if (ok.Item1) result.Add(ok.Item2);
        }
        return result;
    }

    /// <summary>The map value converted by <paramref name="convert"/>.</summary>
    public T Map<T>(string key, Func<IReadOnlyList<KeyValuePair<string, string>>, T> convert, T fallback)
    {
        Expect(key, SettingKind.Map);
        if (!values.TryGetValue(key, out var raw) || raw.Map is null) return fallback;
        return Guard(key, raw, () => convert(raw.Map), fallback);
    }

    /// <summary>Records a problem that involves a key's value.</summary>
    public void Fail(string key, string problem) => Errors.Add($"{key} ({SourceOf(key)}): {problem}");

    T Guard<T>(string key, RawSetting raw, Func<T> parse, T fallback)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is FormatException or PolicyValidationException or ArgumentException)
        {
            var problem = e is PolicyValidationException p ? p.Problem : e.Message;
            Errors.Add($"{key} ({raw.Source}): {problem}");
            return fallback;
        }
    }

    void Expect(string key, SettingKind kind)
    {
        if (!catalogue.Keys.TryGetValue(key, out var actual) || actual != kind)
            throw new InvalidOperationException($"the configuration code reads '{key}' as {kind}, but the embedded defaults {(catalogue.Keys.ContainsKey(key) ? "declare it as " + actual : "do not declare it")}");
        read.Add(key);
    }
}
