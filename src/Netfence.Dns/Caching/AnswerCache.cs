using System.Buffers.Binary;
using System.Net;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Caching;

/// <summary>
/// One attachment's cache of final (already filtered) answers, keyed by name, type, class, whether the query used
/// EDNS(0) and its DNSSEC-OK bit. An entry lives as long as its shortest record TTL. Answers are kept as the octets
/// sent, with where their TTLs are: a hit is a copy with the query's id and question spelling and every TTL
/// decremented by the time spent in the cache, without parsing, filtering or serialising again. Bounded: when full,
/// expired entries go first, then the oldest.
/// </summary>
sealed class AnswerCache(int capacity, TimeProvider time)
{
    const int HeaderLength = 12;

    readonly record struct Key(string Name, DnsType Type, ushort Class, bool Edns, bool DnssecOk);

    /// <param name="Wire">The answer as sent, question included.</param>
    /// <param name="TtlOffsets">Where each record's TTL is in <paramref name="Wire"/>.</param>
    /// <param name="Learnable">What the answer teaches (address, record TTL when stored); null if it was stored without being filtered for learning.</param>
    /// <param name="StoredAt">When it was stored (a <see cref="TimeProvider"/> timestamp).</param>
    /// <param name="Lifetime">Its shortest record TTL, in seconds.</param>
    sealed record Entry(byte[] Wire, int[] TtlOffsets, IReadOnlyList<(IPAddress Address, uint Ttl)>? Learnable, long StoredAt, uint Lifetime);

    readonly Lock _lock = new();
    readonly Dictionary<Key, Entry> _entries = [];

    /// <summary>
    /// The cached answer to <paramref name="query"/> if there is one that fits <paramref name="maxSize"/> octets and,
    /// when <paramref name="learn"/>, knows what it teaches; <paramref name="learnable"/> has the TTLs the copy carries.
    /// </summary>
    public bool TryGet(DnsMessage query, int maxSize, bool learn, out byte[]? answer, out List<(IPAddress Address, uint Ttl)>? learnable)
    {
        answer = null;
        learnable = null;
        if (capacity == 0) return false;
        var key = KeyOf(query);
        Entry? entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out entry)) return false;
        }
        var elapsed = (uint)time.GetElapsedTime(entry.StoredAt).TotalSeconds;
        if (elapsed >= entry.Lifetime)
        {
            lock (_lock)
            {
                if (_entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry)) _entries.Remove(key);
            }
            return false;
        }
        if (entry.Wire.Length > maxSize || (learn && entry.Learnable is null)) return false;

        var copy = (byte[])entry.Wire.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(copy, query.Id);
        // The question as the client spelled it (0x20 case randomisation): the same name, so the same length.
        query.Questions[0].Name.Wire.CopyTo(copy.AsSpan(HeaderLength));
        foreach (int at in entry.TtlOffsets)
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(at), BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(at)) - elapsed);
        if (learn)
        {
            learnable = new List<(IPAddress, uint)>(entry.Learnable!.Count);
            foreach (var (address, ttl) in entry.Learnable) learnable.Add((address, ttl - elapsed));
        }
        answer = copy;
        return true;
    }

    /// <summary>
    /// Keeps <paramref name="answer"/> (to <paramref name="query"/>) if it is a complete positive or negative answer with
    /// a TTL, with <paramref name="learnable"/>, what it teaches (null if it was not filtered for learning).
    /// </summary>
    public void Store(DnsMessage query, DnsMessage answer, IReadOnlyList<(IPAddress Address, uint Ttl)>? learnable)
    {
        if (capacity == 0 || answer.Truncated || answer.Rcode is not (DnsRcode.NoError or DnsRcode.NxDomain)) return;
        if (answer.Questions.Count != 1) return;
        var records = answer.Answers.Concat(answer.Authorities).Concat(answer.Additionals).ToList();
        if (records.Count == 0) return;
        uint lifetime = records.Min(r => r.Ttl);
        if (lifetime == 0) return;
        var ttlOffsets = new List<int>(records.Count);
        var wire = DnsMessageWriter.Write(answer, DnsMessageWriter.MaxMessageSize, ttlOffsets);
        var entry = new Entry(wire, [.. ttlOffsets], learnable is null ? null : [.. learnable], time.GetTimestamp(), lifetime);
        lock (_lock)
        {
            if (_entries.Count >= capacity) Evict();
            _entries[KeyOf(query)] = entry;
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
        return new Key(q.Name.Text, q.Type, q.Class, query.Opt is not null, dnssecOk);
    }
}
