using System.Collections.Immutable;

namespace Netfence.Dns.Learning;

/// <summary>
/// The names through which an answer taught an address: the question, then each CNAME target followed from it, up to
/// the owner of the address record (canonical names, as <see cref="Wire.DnsName.Text"/>). A rule change re-judges a
/// teaching on all of them, as a fresh answer would be judged (pitfall 11 with pitfall 17): the question must still be
/// allowed and no alias on the way may be denied. Compared by value.
/// </summary>
public sealed class TeachingChain : IEquatable<TeachingChain>
{
    readonly int _hash;

    TeachingChain(ImmutableArray<string> names)
    {
        Names = names;
        var hash = new HashCode();
        foreach (var name in names) hash.Add(name, StringComparer.Ordinal);
        _hash = hash.ToHashCode();
    }

    /// <summary>A chain of the question alone (the address record's owner is the question).</summary>
    public static TeachingChain Of(string question) => Through([question]);

    /// <summary>A chain through <paramref name="names"/>, question first, record owner last.</summary>
    /// <exception cref="ArgumentException">No names, or an empty one.</exception>
    public static TeachingChain Through(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names.ToImmutableArray();
        if (list.IsEmpty) throw new ArgumentException("a teaching chain needs at least its question name", nameof(names));
        if (list.Any(string.IsNullOrEmpty)) throw new ArgumentException("a teaching chain's names must not be empty", nameof(names));
        return new TeachingChain(list);
    }

    /// <summary>The names, question first, record owner last.</summary>
    public ImmutableArray<string> Names { get; }

    /// <summary>The question name: what the per-name cap counts against and what the store records.</summary>
    public string Question => Names[0];

    /// <summary>The CNAME targets after the question (empty when the question owns the record).</summary>
    public IEnumerable<string> Aliases => Names.Skip(1);

    /// <inheritdoc/>
    public bool Equals(TeachingChain? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other._hash != _hash || other.Names.Length != Names.Length) return false;
        for (int i = 0; i < Names.Length; i++)
        {
            if (!string.Equals(Names[i], other.Names[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TeachingChain);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash;

    /// <summary>The names joined by " → ".</summary>
    public override string ToString() => string.Join(" → ", Names);
}
