using System.Net;
using Netfence.Policy.Rules;

namespace Netfence.Dns.Learning;

/// <summary>
/// One attachment's learned destinations, indexed both ways (name → addresses, address → names) with an
/// expiry per pair. The kernel entry of an address lives as long as the longest-lived name that taught
/// it; removing a name removes only the addresses no other name still vouches for. Not thread-safe: the
/// owning attachment serialises access.
/// </summary>
public sealed class LearnedIpIndex(int maxIpsPerName)
{
    readonly Dictionary<string, Dictionary<IPAddress, DateTimeOffset>> _byName = new(StringComparer.Ordinal);
    readonly Dictionary<IPAddress, Dictionary<string, DateTimeOffset>> _byAddress = [];
    // The longest expiry of each address over its names: what the kernel holds. Kept so that learning an address many
    // names share (a CDN's) does not walk all of them on every answer; recomputed only when its longest pair goes.
    readonly Dictionary<IPAddress, DateTimeOffset> _longest = [];

    /// <summary>The most addresses one name may teach; the entries expiring first make room.</summary>
    public int MaxIpsPerName { get; } = maxIpsPerName > 0 ? maxIpsPerName : throw new ArgumentOutOfRangeException(nameof(maxIpsPerName));

    /// <summary>Number of distinct addresses.</summary>
    public int AddressCount => _byAddress.Count;

    /// <summary>The names that taught something.</summary>
    public IReadOnlyCollection<string> Names => _byName.Keys;

    /// <summary>
    /// What the kernel must hold if <paramref name="name"/> teaches <paramref name="learned"/>: each address
    /// with the longest expiry any name gives it (a fresh answer extends, never shortens). Changes nothing,
    /// so that a failed kernel write leaves the index as it was.
    /// </summary>
    public List<LearnedIp> Plan(string name, IReadOnlyList<(IPAddress Address, DateTimeOffset ExpiresAt)> learned)
    {
        var write = new List<LearnedIp>(learned.Count);
        foreach (var (address, expiresAt) in learned)
        {
            var at = _longest.TryGetValue(address, out var longest) && longest > expiresAt ? longest : expiresAt;
            write.Add(new LearnedIp(address, name, at));
        }
        return write;
    }

    /// <summary>
    /// Whether <paramref name="name"/> already taught every address in <paramref name="learned"/> until at least the
    /// given expiry: then the kernel already holds each at least that long and learning it again changes nothing
    /// (a cached answer, whose TTLs count down with the cache, usually lands here).
    /// </summary>
    public bool Covers(string name, IReadOnlyList<(IPAddress Address, DateTimeOffset ExpiresAt)> learned)
    {
        if (!_byName.TryGetValue(name, out var addresses)) return false;
        foreach (var (address, expiresAt) in learned)
        {
            if (!addresses.TryGetValue(address, out var at) || at < expiresAt) return false;
        }
        return true;
    }

    /// <summary>
    /// Records that <paramref name="name"/> taught each address until its expiry (never shortening a pair).
    /// Returns the addresses that fell out because of the per-name cap and that no other name keeps.
    /// </summary>
    public List<IPAddress> Learn(string name, IReadOnlyList<(IPAddress Address, DateTimeOffset ExpiresAt)> learned)
    {
        if (!_byName.TryGetValue(name, out var addresses)) _byName[name] = addresses = [];
        foreach (var (address, expiresAt) in learned)
        {
            var at = addresses.TryGetValue(address, out var old) && old > expiresAt ? old : expiresAt;
            addresses[address] = at;
            if (!_byAddress.TryGetValue(address, out var names)) _byAddress[address] = names = new(StringComparer.Ordinal);
            names[name] = at;
            if (!_longest.TryGetValue(address, out var longest) || at > longest) _longest[address] = at;
        }
        if (addresses.Count <= MaxIpsPerName) return [];
        var remove = new List<IPAddress>();
        var fresh = learned.Select(l => l.Address).ToHashSet();
        var victims = addresses.Where(p => !fresh.Contains(p.Key)).OrderBy(p => p.Value).Take(addresses.Count - MaxIpsPerName).ToList();
        foreach (var (address, _) in victims)
        {
            if (Forget(name, address)) remove.Add(address);
        }
        return remove;
    }

    /// <summary>
    /// Forgets every name for which <paramref name="stillAllowed"/> is false. Returns the addresses no
    /// remaining name vouches for (to remove) and those whose longest expiry dropped (to rewrite).
    /// </summary>
    public (List<IPAddress> Remove, List<LearnedIp> Rewrite) Revoke(Func<string, bool> stillAllowed)
    {
        var remove = new List<IPAddress>();
        var touched = new HashSet<IPAddress>();
        foreach (var name in _byName.Keys.Where(n => !stillAllowed(n)).ToList())
        {
            foreach (var address in _byName[name].Keys.ToList())
            {
                if (Forget(name, address)) remove.Add(address);
                else touched.Add(address);
            }
        }
        var rewrite = touched.Select(a => Longest(a)).ToList();
        return (remove, rewrite);
    }

    /// <summary>Forgets pairs expired at <paramref name="now"/>; returns the addresses left without any name.</summary>
    public List<IPAddress> Sweep(DateTimeOffset now)
    {
        var remove = new List<IPAddress>();
        foreach (var (address, names) in _byAddress.ToList())
        {
            foreach (var (name, at) in names.ToList())
            {
                if (at <= now && Forget(name, address)) remove.Add(address);
            }
        }
        return remove;
    }

    /// <summary>Every address with its longest expiry and a name that taught it.</summary>
    public IEnumerable<LearnedIp> Entries => _byAddress.Keys.Select(Longest);

    /// <summary>The names that taught <paramref name="address"/>, with their expiries.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> NamesOf(IPAddress address) =>
        _byAddress.TryGetValue(address, out var names) ? names : new Dictionary<string, DateTimeOffset>();

    LearnedIp Longest(IPAddress address)
    {
        var best = _byAddress[address].MaxBy(p => p.Value);
        return new LearnedIp(address, best.Key, best.Value);
    }

    // Removes one pair; true if the address is now taught by no name at all.
    bool Forget(string name, IPAddress address)
    {
        if (_byName.TryGetValue(name, out var addresses))
        {
            addresses.Remove(address);
            if (addresses.Count == 0) _byName.Remove(name);
        }
        if (!_byAddress.TryGetValue(address, out var names) || !names.Remove(name, out var removed)) return false;
        if (names.Count > 0)
        {
            if (removed >= _longest[address]) _longest[address] = names.Values.Max();
            return false;
        }
        _byAddress.Remove(address);
        _longest.Remove(address);
        return true;
    }
}
