using System.Collections;
using System.Collections.Immutable;
using System.Text;
using Netfence.Policy.Validation;

namespace Netfence.Policy.Metadata;

/// <summary>
/// Validated key/value labels of an attachment or of the daemon (e.g. <c>vm_id=abc</c>). Keys are
/// 1-63 characters of letters, digits, '.', '_', '-' and '/', starting with a letter or digit; values
/// are 1-1024 characters without control characters; at most 64 pairs and 16 KiB in all. Every bad
/// pair is an error naming it: a pair is never dropped silently (pitfall 15).
/// </summary>
public sealed class AttachmentMetadata : IReadOnlyDictionary<string, string>, IEquatable<AttachmentMetadata>
{
    /// <summary>The most pairs.</summary>
    public const int MaxPairs = 64;

    /// <summary>The longest key.</summary>
    public const int MaxKeyLength = 63;

    /// <summary>The longest value.</summary>
    public const int MaxValueLength = 1024;

    /// <summary>The most bytes (UTF-8) of all keys and values together.</summary>
    public const int MaxTotalBytes = 16 * 1024;

    /// <summary>No pairs.</summary>
    public static AttachmentMetadata Empty { get; } = new(ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    readonly ImmutableSortedDictionary<string, string> pairs;

    AttachmentMetadata(ImmutableSortedDictionary<string, string> pairs) => this.pairs = pairs;

    /// <summary>Validates <paramref name="pairs"/> (e.g. a protocol map); <paramref name="field"/> prefixes error paths.</summary>
    /// <exception cref="PolicyValidationException">A key or value is invalid, or a limit is exceeded.</exception>
    public static AttachmentMetadata From(IEnumerable<KeyValuePair<string, string>> pairs, string field = "metadata")
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        int total = 0;
        foreach (var (key, value) in pairs)
        {
            ValidateKey(key, field);
            var valueField = $"{field}[{key}]";
            ValidateValue(value, valueField);
            if (!builder.TryAdd(key, value)) throw new PolicyValidationException(field, $"the key '{key}' appears twice");
            if (builder.Count > MaxPairs) throw new PolicyValidationException(field, $"more than {MaxPairs} pairs");
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value);
            if (total > MaxTotalBytes) throw new PolicyValidationException(field, $"the keys and values total more than {MaxTotalBytes} bytes");
        }
        return builder.Count == 0 ? Empty : new AttachmentMetadata(builder.ToImmutable());
    }

    /// <summary>
    /// Parses <c>k=v,k2=v2</c> (the form of an environment variable or command-line flag). An empty
    /// text is no pairs. A value may contain '=' but not ','.
    /// </summary>
    /// <exception cref="PolicyValidationException">A pair is malformed or invalid; the message quotes it.</exception>
    public static AttachmentMetadata Parse(string text, string field = "metadata")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return Empty;
        var list = new List<KeyValuePair<string, string>>();
        var parts = text.Split(',');
        for (int i = 0; i < parts.Length; i++)
        {
            var pair = parts[i];
            int eq = pair.IndexOf('=');
            if (pair.Length == 0)
                throw new PolicyValidationException(field, $"pair {i + 1} of '{text}' is empty (a stray ',')");
            if (eq < 0)
                throw new PolicyValidationException(field, $"pair {i + 1} '{pair}' has no '=' (write key=value)");
            if (eq == 0)
                throw new PolicyValidationException(field, $"pair {i + 1} '{pair}' has no key before '='");
            list.Add(new(pair[..eq], pair[(eq + 1)..]));
        }
        return From(list, field);
    }

    static void ValidateKey(string key, string field)
    {
        if (string.IsNullOrEmpty(key)) throw new PolicyValidationException(field, "a key is empty");
        if (key.Length > MaxKeyLength) throw new PolicyValidationException(field, $"the key '{key}' is longer than {MaxKeyLength} characters");
        if (!char.IsAsciiLetterOrDigit(key[0]))
            throw new PolicyValidationException(field, $"the key '{key}' must start with a letter or digit");
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/'))
                throw new PolicyValidationException(field, $"the key '{key}' contains '{c}'; keys use letters, digits, '.', '_', '-' and '/'");
        }
    }

    static void ValidateValue(string value, string field)
    {
        if (string.IsNullOrEmpty(value)) throw new PolicyValidationException(field, "the value is empty");
        if (value.Length > MaxValueLength) throw new PolicyValidationException(field, $"the value is longer than {MaxValueLength} characters");
        if (value.Any(char.IsControl)) throw new PolicyValidationException(field, "the value contains a control character");
    }

    /// <summary>The pairs as <c>k=v,k2=v2</c>, sorted by key.</summary>
    public override string ToString() => string.Join(',', pairs.Select(p => $"{p.Key}={p.Value}"));

    /// <inheritdoc/>
    public string this[string key] => pairs[key];

    /// <inheritdoc/>
    public IEnumerable<string> Keys => pairs.Keys;

    /// <inheritdoc/>
    public IEnumerable<string> Values => pairs.Values;

    /// <inheritdoc/>
    public int Count => pairs.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => pairs.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out string value) => pairs.TryGetValue(key, out value!);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => pairs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(AttachmentMetadata? other) => other is not null && pairs.SequenceEqual(other.pairs);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AttachmentMetadata);

    /// <inheritdoc/>
    public override int GetHashCode() => pairs.Count;
}
