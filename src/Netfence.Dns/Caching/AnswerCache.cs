using Netfence.Dns.Wire;

namespace Netfence.Dns.Caching;

/// <summary>
/// One attachment's cache of final (already filtered) answers, keyed by name, type, class and the
/// DNSSEC-OK bit. An entry lives as long as its shortest record TTL; a hit returns a copy whose TTLs
/// are decremented by the time spent in the cache. Bounded: when full, expired entries go first, then
/// the oldest.
/// </summary>
sealed class AnswerCache(int capacity, TimeProvider time)
{
    readonly record struct Key(string Name, DnsType Type, ushort Class, bool DnssecOk);
    sealed record Entry(DnsMessage Answer, long StoredAt, uint Lifetime);

    readonly Lock _lock = new();
    readonly Dictionary<Key, Entry> _entries = [];

    public bool TryGet(DnsMessage query, out DnsMessage? answer)
    {
        answer = null;
        if (capacity == 0) return false;
        Entry? entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(KeyOf(query), out entry)) return false;
        }
        var elapsed = (uint)time.GetElapsedTime(entry.StoredAt).TotalSeconds;
        if (elapsed >= entry.Lifetime)
        {
            lock (_lock) _entries.Remove(KeyOf(query));
            return false;
        }
        var source = entry.Answer;
        answer = new DnsMessage
        {
            Id = query.Id,
            Flags = source.Flags,
            Questions = [.. query.Questions],
            Answers = [.. source.Answers.Select(r => r.WithTtl(r.Ttl - elapsed))],
            Authorities = [.. source.Authorities.Select(r => r.WithTtl(r.Ttl - elapsed))],
            Additionals = [.. source.Additionals.Select(r => r.WithTtl(r.Ttl - elapsed))],
            Opt = query.Opt is null ? null : source.Opt,
        };
        return true;
    }

    /// <summary>Keeps <paramref name="answer"/> if it is a complete positive or negative answer with a TTL.</summary>
    public void Store(DnsMessage query, DnsMessage answer)
    {
        if (capacity == 0 || answer.Truncated || answer.Rcode is not (DnsRcode.NoError or DnsRcode.NxDomain)) return;
        var records = answer.Answers.Concat(answer.Authorities).Concat(answer.Additionals).ToList();
        if (records.Count == 0) return;
        uint lifetime = records.Min(r => r.Ttl);
        if (lifetime == 0) return;
        lock (_lock)
        {
            if (_entries.Count >= capacity) Evict();
            _entries[KeyOf(query)] = new Entry(answer, time.GetTimestamp(), lifetime);
        }
    }

    public void Clear()
    {
        lock (_lock) _entries.Clear();
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    void Evict()
    {
        foreach (var (key, entry) in _entries.ToList())
        {
            if (time.GetElapsedTime(entry.StoredAt).TotalSeconds >= entry.Lifetime) _entries.Remove(key);
        }
        if (_entries.Count < capacity) return;
        var oldest = _entries.MinBy(p => p.Value.StoredAt).Key;
        _entries.Remove(oldest);
    }

    static Key KeyOf(DnsMessage query)
    {
        var q = query.Questions[0];
        bool dnssecOk = query.Opt is { } opt && (opt.Ttl & 0x8000) != 0;
        return new Key(q.Name.Text, q.Type, q.Class, dnssecOk);
    }
}
