using System.Net;
using Netfence.Dns.Filtering;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Learning;

/// <summary>
/// One attachment's learned destinations, indexed both ways (teaching → addresses, address → teachings) with an
/// expiry per pair. A teaching is the <see cref="TeachingChain"/> an answer taught the address through: the question and
/// each CNAME target up to the record's owner. The kernel entry of an address lives as long as its longest-lived
/// teaching; withdrawing teachings removes only the addresses no other teaching still vouches for. Teachings are also
/// filed under every name of their chain (<see cref="NameTreeIndex{T}"/>), so that a rule change finds those its
/// rules can concern without visiting the rest. Not thread-safe: the owning attachment serialises access.
/// </summary>
public sealed class LearnedIpIndex(int maxIpsPerName)
{
    readonly Dictionary<TeachingChain, Dictionary<IPAddress, DateTimeOffset>> _byChain = [];
    readonly Dictionary<IPAddress, Dictionary<TeachingChain, DateTimeOffset>> _byAddress = [];
    // The longest expiry of each address over its teachings: what the kernel holds. Kept so that learning an address
    // many names share (a CDN's) does not walk all of them on every answer; recomputed only when its longest pair goes.
    readonly Dictionary<IPAddress, DateTimeOffset> _longest = [];
    // Per question name, its teachings (usually one: an array, not a set, as a workload may resolve very many names).
    readonly Dictionary<string, TeachingChain[]> _byQuestion = new(StringComparer.Ordinal);
    readonly NameTreeIndex<TeachingChain> _byName = new();

    /// <summary>The most addresses one question name may teach; the entries expiring first make room.</summary>
    public int MaxIpsPerName { get; } = maxIpsPerName > 0 ? maxIpsPerName : throw new ArgumentOutOfRangeException(nameof(maxIpsPerName));

    /// <summary>Number of distinct addresses.</summary>
    public int AddressCount => _byAddress.Count;

    /// <summary>The question names that taught something.</summary>
    public IReadOnlyCollection<string> Names => _byQuestion.Keys;

    /// <summary>Every teaching that holds an address.</summary>
    public IReadOnlyCollection<TeachingChain> Chains => _byChain.Keys;

    /// <summary>
    /// The teachings with a name on their chain equal to or below <paramref name="name"/>: a superset of those a rule
    /// for <paramref name="name"/> concerns.
    /// </summary>
    public IReadOnlyCollection<TeachingChain> ChainsAtOrBelow(string name) => _byName.AtOrBelow(name);

    /// <summary>
    /// What the kernel must hold if <paramref name="learned"/> is taught: each address with the longest expiry any
    /// teaching gives it (a fresh answer extends, never shortens). Changes nothing, so that a failed kernel write leaves
    /// the index as it was.
    /// </summary>
    public List<LearnedIp> Plan(IReadOnlyList<Taught> learned)
    {
        var write = new List<LearnedIp>(learned.Count);
        foreach (var (address, expiresAt, chain) in learned)
        {
            if (Contains(write, address)) continue;
            var at = _longest.TryGetValue(address, out var longest) && longest > expiresAt ? longest : expiresAt;
            foreach (var other in learned)
            {
                if (other.Address.Equals(address) && other.ExpiresAt > at) at = other.ExpiresAt;
            }
            write.Add(new LearnedIp(address, chain.Question, at));
        }
        return write;
    }

    /// <summary>
    /// Whether every teaching in <paramref name="learned"/> is already recorded until at least the given expiry less
    /// <paramref name="slack"/> (<see cref="LearnedTtl.RefreshSlack"/>): then the kernel already holds each address long
    /// enough and learning it again changes nothing worth a write (a cached answer, whose TTLs count down with the cache,
    /// and a hot name's repeated answers land here).
    /// </summary>
    public bool Covers(IReadOnlyList<Taught> learned, TimeSpan slack = default)
    {
        // Indexed, not foreach: an interface's enumerator is an allocation, and every forwarded answer asks this.
        for (int i = 0; i < learned.Count; i++)
        {
            var (address, expiresAt, chain) = learned[i];
            if (!_byChain.TryGetValue(chain, out var addresses) || !addresses.TryGetValue(address, out var at) || at < expiresAt - slack) return false;
        }
        return true;
    }

    /// <summary>
    /// Records each teaching until its expiry (never shortening a pair); all must share one question name. Returns the
    /// addresses that fell out because of the per-name cap and that no other teaching keeps (to remove), the addresses
    /// the cap withdrew a pair from that another question's teaching keeps, each with its longest remaining expiry (to
    /// rewrite: the withdrawn pair may have been the longest), and those pairs (for a mirror of the pairs, the store).
    /// </summary>
    /// <exception cref="ArgumentException">The teachings have different question names.</exception>
    public (List<IPAddress> Remove, List<LearnedIp> Rewrite, List<Taught> Withdrawn) Learn(IReadOnlyList<Taught> learned)
    {
        if (learned.Count == 0) return ([], [], []);
        var question = learned[0].Chain.Question;
        if (learned.Any(t => !string.Equals(t.Chain.Question, question, StringComparison.Ordinal)))
            throw new ArgumentException($"one learn takes the teachings of one question; got {string.Join(", ", learned.Select(t => t.Chain.Question).Distinct())}", nameof(learned));
        foreach (var taught in learned) Record(taught);
        var chains = _byQuestion[question];
        // The cap counts the question's distinct addresses over all its teachings.
        var held = chains.Length == 1 ? _byChain[chains[0]] : chains.SelectMany(c => _byChain[c]).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Max(p => p.Value));
        if (held.Count <= MaxIpsPerName) return ([], [], []);

        // Over the cap: the question's addresses this answer did not teach go, those expiring first first.
        var fresh = learned.Select(l => l.Address).ToHashSet();
        var victims = held.Where(p => !fresh.Contains(p.Key)).OrderBy(p => p.Value).Take(held.Count - MaxIpsPerName).Select(p => p.Key);
        return Withdraw(victims.SelectMany(address => chains
            .Where(chain => _byChain[chain].ContainsKey(address))
            .Select(chain => new Taught(address, _byChain[chain][address], chain))));
    }

    /// <summary>
    /// Records teachings as they were when a restarted daemon's store kept them (the store mirrors every pair this index
    /// holds), whatever their questions, without the per-name cap: it was applied when they were learned, and a cap
    /// lowered since applies from each question's next answer. Pairs already expired at <paramref name="now"/> are left
    /// out (the store's sweep removes them).
    /// </summary>
    public void Restore(IEnumerable<Taught> teachings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(teachings);
        foreach (var taught in teachings)
        {
            if (taught.ExpiresAt > now) Record(taught);
        }
    }

    /// <summary>Every teaching: each address through each chain with its expiry.</summary>
    public IEnumerable<Taught> Teachings =>
        _byChain.SelectMany(c => c.Value.Select(p => new Taught(p.Key, p.Value, c.Key)));

    // Records one pair until its expiry, never shortening it.
    void Record(Taught taught)
    {
        var (address, expiresAt, chain) = taught;
        if (!_byChain.TryGetValue(chain, out var addresses))
        {
            _byChain[chain] = addresses = [];
            var question = chain.Question;
            _byQuestion[question] = _byQuestion.TryGetValue(question, out var others) ? [.. others, chain] : [chain];
            _byName.Add(chain, chain.Names);
        }
        if (addresses.TryGetValue(address, out var old) && old >= expiresAt) return;
        addresses[address] = expiresAt;
        if (!_byAddress.TryGetValue(address, out var teachings)) _byAddress[address] = teachings = [];
        teachings[chain] = expiresAt;
        if (!_longest.TryGetValue(address, out var longest) || expiresAt > longest) _longest[address] = expiresAt;
    }

    /// <summary>
    /// Withdraws every teaching among <paramref name="candidates"/> (all of them when null) for which
    /// <paramref name="stillTeaches"/> is false. Returns the addresses no remaining teaching vouches for (to remove),
    /// those whose longest expiry dropped (to rewrite), and the withdrawn pairs of addresses another teaching keeps (for
    /// a mirror of the pairs, the store). Only the candidates are judged.
    /// </summary>
    public (List<IPAddress> Remove, List<LearnedIp> Rewrite, List<Taught> Withdrawn) Revoke(Func<TeachingChain, bool> stillTeaches, IEnumerable<TeachingChain>? candidates = null)
    {
        var withdrawn = (candidates ?? _byChain.Keys).Distinct().Where(c => _byChain.ContainsKey(c) && !stillTeaches(c));
        return Withdraw(withdrawn.SelectMany(chain => _byChain[chain].Select(p => new Taught(p.Key, p.Value, chain))));
    }

    // Forgets each pair (what the cap and a rule change withdraw alike). Returns the addresses no teaching vouches for any
    // more (to remove), each address that stays with its longest remaining expiry (to rewrite: a withdrawn pair may have
    // been the longest), and the withdrawn pairs of the addresses that stay (for a mirror of the pairs, the store).
    (List<IPAddress> Remove, List<LearnedIp> Rewrite, List<Taught> Withdrawn) Withdraw(IEnumerable<Taught> pairs)
    {
        var remove = new List<IPAddress>();
        var kept = new List<Taught>();
        // Taken whole before anything is forgotten: the pairs are read from the maps Forget changes.
        foreach (var pair in pairs.ToList())
        {
            if (Forget(pair.Chain, pair.Address)) remove.Add(pair.Address);
            else kept.Add(pair);
        }
        // An address a later pair left untaught is gone: its earlier pairs leave with it.
        var gone = remove.ToHashSet();
        kept.RemoveAll(p => gone.Contains(p.Address));
        var rewrite = kept.Select(p => p.Address).Distinct().Select(Longest).ToList();
        return (remove, rewrite, kept);
    }

    /// <summary>Forgets pairs expired at <paramref name="now"/>; returns the addresses left without any teaching.</summary>
    public List<IPAddress> Sweep(DateTimeOffset now)
    {
        var remove = new List<IPAddress>();
        foreach (var (address, chains) in _byAddress.ToList())
        {
            foreach (var (chain, at) in chains.ToList())
            {
                if (at <= now && Forget(chain, address)) remove.Add(address);
            }
        }
        return remove;
    }

    /// <summary>Every address with its longest expiry and the question of a teaching that gives it.</summary>
    public IEnumerable<LearnedIp> Entries => _byAddress.Keys.Select(Longest);

    /// <summary>The teachings of <paramref name="address"/>, with their expiries.</summary>
    public IReadOnlyDictionary<TeachingChain, DateTimeOffset> ChainsOf(IPAddress address) =>
        _byAddress.TryGetValue(address, out var chains) ? chains : new Dictionary<TeachingChain, DateTimeOffset>();

    static bool Contains(List<LearnedIp> entries, IPAddress address)
    {
        foreach (var entry in entries)
        {
            if (entry.Address.Equals(address)) return true;
        }
        return false;
    }

    LearnedIp Longest(IPAddress address)
    {
        var best = _byAddress[address].MaxBy(p => p.Value);
        return new LearnedIp(address, best.Key.Question, best.Value);
    }

    // Removes one pair; true if the address is now taught by nothing at all.
    bool Forget(TeachingChain chain, IPAddress address)
    {
        if (!_byChain.TryGetValue(chain, out var addresses) || !addresses.Remove(address)) return false;
        if (addresses.Count == 0)
        {
            _byChain.Remove(chain);
            _byName.Remove(chain, chain.Names);
            var others = _byQuestion[chain.Question];
            if (others.Length == 1) _byQuestion.Remove(chain.Question);
            else _byQuestion[chain.Question] = [.. others.Where(c => !c.Equals(chain))];
        }
        var chains = _byAddress[address];
        var removed = chains[chain];
        chains.Remove(chain);
        if (chains.Count > 0)
        {
            if (removed >= _longest[address]) _longest[address] = chains.Values.Max();
            return false;
        }
        _byAddress.Remove(address);
        _longest.Remove(address);
        return true;
    }
}
