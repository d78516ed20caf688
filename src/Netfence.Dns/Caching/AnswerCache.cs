using System.Buffers.Binary;
using Netfence.Dns.Filtering;
using Netfence.Dns.Wire;

namespace Netfence.Dns.Caching;

/// <summary>
/// One attachment's cache of final (already filtered) answers, keyed by name, type, class, whether the query used
/// EDNS(0) and its DNSSEC-OK bit. An entry lives as long as its shortest record TTL. Answers are kept as the octets
/// sent, with where their TTLs are: a hit is a copy with the query's id and question spelling and every TTL
/// decremented by the time spent in the cache, without parsing, filtering or serialising again. Bounded: when full,
/// expired entries go first, then the oldest. A rule change drops the entries whose names a changed rule matches (an
/// answer filtered under the old rules might hand out what a fresh one would not, or miss what it would), and an entry
/// filtered under an older configuration than the cache's is never stored (<see cref="Reconfigure"/>).
/// </summary>
sealed class AnswerCache(int capacity, TimeProvider time)
{
    const int HeaderLength = 12;

    readonly record struct Key(string Name, DnsType Type, ushort Class, bool Edns, bool DnssecOk);

    /// <param name="Wire">The answer as sent, question included.</param>
    /// <param name="TtlOffsets">Where each record's TTL is in <paramref name="Wire"/>.</param>
    /// <param name="Learnable">What the answer teaches (address, record TTL when stored, chain); null if it was stored without being filtered for learning.</param>
    /// <param name="StoredAt">When it was stored (a <see cref="TimeProvider"/> timestamp).</param>
    /// <param name="Lifetime">Its shortest record TTL, in seconds.</param>
    /// <param name="Names">The names the answer's filtering depended on (<see cref="FilteredAnswer.DependsOn"/>).</param>
    /// <param name="ConsultedCidrs">Whether its filtering judged an internal address against the CIDR rules.</param>
    sealed record Entry(byte[] Wire, int[] TtlOffsets, IReadOnlyList<LearnableAddress>? Learnable, long StoredAt, uint Lifetime,
        IReadOnlyList<string> Names, bool ConsultedCidrs);

    readonly Lock _lock = new();
    readonly Dictionary<Key, Entry> _entries = [];
    readonly NameTreeIndex<Key> _byName = new();
    readonly HashSet<Key> _consultedCidrs = [];
    // The configuration the entries are valid under (DnsAttachment's generation of its configuration).
    int _generation;

    /// <summary>
    /// The cached answer to <paramref name="query"/> if there is one that fits <paramref name="maxSize"/> octets and,
    /// when <paramref name="learn"/>, knows what it teaches; <paramref name="learnable"/> has the TTLs the copy carries.
    /// <paramref name="validUnder"/> is the configuration generation the entry is known to be valid under: a
    /// configuration applied since may have withdrawn what it teaches, which the learner then judges again.
    /// </summary>
    public bool TryGet(DnsMessage query, int maxSize, bool learn, out byte[]? answer, out List<LearnableAddress>? learnable, out int validUnder)
    {
        answer = null;
        learnable = null;
        validUnder = 0;
        if (capacity == 0) return false;
        var key = KeyOf(query);
        Entry? entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out entry)) return false;
            validUnder = _generation;
        }
        var elapsed = (uint)time.GetElapsedTime(entry.StoredAt).TotalSeconds;
        if (elapsed >= entry.Lifetime)
        {
            lock (_lock)
            {
                if (_entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry)) Remove(key);
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
            learnable = new List<LearnableAddress>(entry.Learnable!.Count);
            foreach (var taught in entry.Learnable) learnable.Add(taught with { Ttl = taught.Ttl - elapsed });
        }
        answer = copy;
        return true;
    }

    /// <summary>
    /// Keeps <paramref name="answer"/> (to <paramref name="query"/>) if it is a complete positive or negative answer with
    /// a TTL, with <paramref name="filtered"/>, what its filtering found (null if it was not filtered for learning) —
    /// unless it was judged under another configuration generation than the cache's (<paramref name="judgedUnder"/>):
    /// a rule change since may make it wrong, and the change's purge has already run.
    /// </summary>
    public void Store(DnsMessage query, DnsMessage answer, FilteredAnswer? filtered, int judgedUnder)
    {
        if (capacity == 0 || answer.Truncated || answer.Rcode is not (DnsRcode.NoError or DnsRcode.NxDomain)) return;
        if (answer.Questions.Count != 1) return;
        var records = answer.Answers.Concat(answer.Authorities).Concat(answer.Additionals).ToList();
        if (records.Count == 0) return;
        uint lifetime = records.Min(r => r.Ttl);
        if (lifetime == 0) return;
        var ttlOffsets = new List<int>(records.Count);
        var wire = DnsMessageWriter.Write(answer, DnsMessageWriter.MaxMessageSize, ttlOffsets);
        var key = KeyOf(query);
        var entry = new Entry(wire, [.. ttlOffsets], filtered is null ? null : [.. filtered.Learnable], time.GetTimestamp(), lifetime,
            filtered?.DependsOn ?? [key.Name], filtered?.ConsultedCidrs ?? false);
        lock (_lock)
        {
            if (judgedUnder != _generation) return;
            if (_entries.ContainsKey(key)) Remove(key);
            else if (_entries.Count >= capacity) Evict();
            _entries[key] = entry;
            _byName.Add(key, entry.Names);
            if (entry.ConsultedCidrs) _consultedCidrs.Add(key);
        }
    }

    /// <summary>
    /// Moves the cache to configuration <paramref name="generation"/>: drops every entry when <paramref name="all"/> or
    /// <paramref name="change"/> concerns everything; otherwise those with a name a changed rule matches, whichever way
    /// it changed (a new deny ends a chain earlier, a removed one lets it go on), and those whose filtering consulted the
    /// CIDR rules (which any configuration may change). Returns how many were dropped. The other entries are valid under
    /// the new rules as they were under the old.
    /// </summary>
    public int Reconfigure(int generation, RuleChange change, bool all)
    {
        lock (_lock)
        {
            _generation = generation;
            int before = _entries.Count;
            if (all || change.Everything)
            {
                _entries.Clear();
                _byName.Clear();
                _consultedCidrs.Clear();
                return before;
            }
            var drop = new HashSet<Key>(_consultedCidrs);
            foreach (var rule in change.Changed)
            {
                foreach (var key in _byName.AtOrBelow(rule.Name))
                {
                    if (_entries[key].Names.Any(rule.Matches)) drop.Add(key);
                }
            }
            foreach (var key in drop) Remove(key);
            return before - _entries.Count;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _byName.Clear();
            _consultedCidrs.Clear();
        }
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    void Evict()
    {
        foreach (var (key, entry) in _entries.ToList())
        {
            if (time.GetElapsedTime(entry.StoredAt).TotalSeconds >= entry.Lifetime) Remove(key);
        }
        if (_entries.Count < capacity) return;
        var oldest = _entries.MinBy(p => p.Value.StoredAt).Key;
        Remove(oldest);
    }

    // Under the lock: drops an entry and its filings.
    void Remove(Key key)
    {
        if (!_entries.Remove(key, out var entry)) return;
        _byName.Remove(key, entry.Names);
        _consultedCidrs.Remove(key);
    }

    static Key KeyOf(DnsMessage query)
    {
        var q = query.Questions[0];
        bool dnssecOk = query.Opt is { } opt && (opt.Ttl & 0x8000) != 0;
        return new Key(q.Name.Text, q.Type, q.Class, query.Opt is not null, dnssecOk);
    }
}
