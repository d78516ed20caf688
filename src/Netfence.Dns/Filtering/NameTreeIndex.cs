namespace Netfence.Dns.Filtering;

/// <summary>
/// Items (teachings, cache entries) indexed by the domain names they depend on, so that a rule change finds the items
/// a rule for a name can concern — the name itself and every name below it — without visiting the others. Names are
/// kept with their labels reversed (<c>edge.tracker.net</c> as <c>net.tracker.edge</c>) in ordinal order, so the names
/// below <c>tracker.net</c> are one contiguous range, those starting with <c>net.tracker.</c>: a lookup costs a
/// logarithmic search plus what it finds, and a name costs one entry of its own length. (Filing each item under every
/// label suffix instead would make a hostile name of 127 one-octet labels cost 127 suffix strings of up to 253
/// characters.) Names are canonical text (<see cref="Wire.DnsName.Text"/>), where a '.' inside a label is escaped, so
/// splitting at '.' finds label boundaries. Not thread-safe.
/// </summary>
sealed class NameTreeIndex<T> where T : notnull
{
    // Reversed name → a T, or a HashSet<T> of two or more (most names have one item: no set per name).
    readonly Dictionary<string, object> _byName = new(StringComparer.Ordinal);
    readonly SortedSet<string> _ordered = new(StringComparer.Ordinal);

    /// <summary>Files <paramref name="item"/> under each of <paramref name="names"/>.</summary>
    public void Add(T item, IEnumerable<string> names)
    {
        object boxed = item;
        foreach (var name in names)
        {
            if (name.Length == 0) continue;
            var reversed = Reverse(name);
            if (!_byName.TryGetValue(reversed, out var slot))
            {
                _byName[reversed] = boxed;
                _ordered.Add(reversed);
            }
            else if (slot is HashSet<T> set) set.Add(item);
            else if (!Same(slot, item)) _byName[reversed] = new HashSet<T> { (T)slot, item };
        }
    }

    /// <summary>Unfiles <paramref name="item"/>, which was added with <paramref name="names"/>.</summary>
    public void Remove(T item, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (name.Length == 0) continue;
            var reversed = Reverse(name);
            if (!_byName.TryGetValue(reversed, out var slot)) continue;
            if (slot is HashSet<T> set)
            {
                set.Remove(item);
                if (set.Count == 1) _byName[reversed] = set.First();
            }
            else if (Same(slot, item))
            {
                _byName.Remove(reversed);
                _ordered.Remove(reversed);
            }
        }
    }

    /// <summary>
    /// The items with a name equal to <paramref name="name"/> or below it: a superset of what any rule for
    /// <paramref name="name"/> (exact, with subdomains, or <c>*.name</c>) can match, for the caller to judge.
    /// </summary>
    public IReadOnlyCollection<T> AtOrBelow(string name)
    {
        if (name.Length == 0) return [];
        var reversed = Reverse(name);
        var found = new HashSet<T>();
        if (_byName.TryGetValue(reversed, out var own)) AddSlot(found, own);
        // Every string from "P." up to "P/" starts with "P.": no character lies between '.' and '/' (and a canonical
        // name never holds a bare '/', which it escapes).
        foreach (var below in _ordered.GetViewBetween(reversed + ".", reversed + "/")) AddSlot(found, _byName[below]);
        return found;
    }

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _byName.Clear();
        _ordered.Clear();
    }

    static void AddSlot(HashSet<T> found, object slot)
    {
        if (slot is HashSet<T> set) found.UnionWith(set);
        else found.Add((T)slot);
    }

    static bool Same(object slot, T item) => slot is T one && EqualityComparer<T>.Default.Equals(one, item);

    static string Reverse(string name)
    {
        if (!name.Contains('.')) return name;
        var labels = name.Split('.');
        Array.Reverse(labels);
        return string.Join('.', labels);
    }
}
