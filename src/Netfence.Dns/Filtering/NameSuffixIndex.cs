namespace Netfence.Dns.Filtering;

/// <summary>
/// Items (teachings, cache entries) indexed by the domain names they depend on, so that a rule change finds the items
/// a rule for a name can concern — the name itself and every name below it — without visiting the others. Each item
/// is filed under every label suffix of each of its names (<c>edge.tracker.net</c> under <c>edge.tracker.net</c>,
/// <c>tracker.net</c> and <c>net</c>): a lookup is one dictionary probe, and an item costs a few entries per name.
/// Names are canonical text (<see cref="Wire.DnsName.Text"/>), where a '.' inside a label is escaped, so splitting at
/// '.' finds label boundaries. Not thread-safe.
/// </summary>
sealed class NameSuffixIndex<T> where T : notnull
{
    readonly Dictionary<string, HashSet<T>> _bySuffix = new(StringComparer.Ordinal);

    /// <summary>Files <paramref name="item"/> under every suffix of each of <paramref name="names"/>.</summary>
    public void Add(T item, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            foreach (var suffix in Suffixes(name))
            {
                if (!_bySuffix.TryGetValue(suffix, out var items)) _bySuffix[suffix] = items = [];
                items.Add(item);
            }
        }
    }

    /// <summary>Unfiles <paramref name="item"/>, which was added with <paramref name="names"/>.</summary>
    public void Remove(T item, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            foreach (var suffix in Suffixes(name))
            {
                if (!_bySuffix.TryGetValue(suffix, out var items)) continue;
                items.Remove(item);
                if (items.Count == 0) _bySuffix.Remove(suffix);
            }
        }
    }

    /// <summary>
    /// The items with a name equal to <paramref name="name"/> or below it: a superset of what any rule for
    /// <paramref name="name"/> (exact, with subdomains, or <c>*.name</c>) can match, for the caller to judge.
    /// </summary>
    public IReadOnlyCollection<T> AtOrBelow(string name) => _bySuffix.TryGetValue(name, out var items) ? items : [];

    /// <summary>Forgets everything.</summary>
    public void Clear() => _bySuffix.Clear();

    static IEnumerable<string> Suffixes(string name)
    {
        if (name.Length == 0) yield break;
        yield return name;
        for (int dot = name.IndexOf('.'); dot >= 0; dot = name.IndexOf('.', dot + 1)) yield return name[(dot + 1)..];
    }
}
