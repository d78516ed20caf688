using System.Collections.Immutable;

namespace Netfence.Daemon.Store;

/// <summary>
/// How the <c>learned_ips.chain</c> column holds a teaching's CNAME targets after its question: the names in order,
/// each followed by one space, so a chain of the question alone is the empty string (what rows written before the
/// column existed migrate to). A space cannot occur in a name: names are canonical presentation text, whose only
/// characters are lower-case letters, digits, '-', '_', '.' and '\' (every other octet, a space included, is written
/// as \DDD), so no two different chains share a text — not even ["a.b"] and ["a", "b"]. The column is part of the
/// primary key: the same address taught by the same question through two different alias chains is two rows.
/// </summary>
static class StoredAliases
{
    const char Separator = ' ';

    /// <summary>The column text of <paramref name="aliases"/>.</summary>
    /// <exception cref="ArgumentException">An alias is empty or holds a space: it is not a canonical name.</exception>
    public static string Encode(ImmutableArray<string> aliases)
    {
        if (aliases.IsDefaultOrEmpty) return "";
        foreach (var alias in aliases) Validate(alias);
        return string.Create(aliases.Sum(a => a.Length + 1), aliases, static (text, names) =>
        {
            int at = 0;
            foreach (var name in names)
            {
                name.CopyTo(text[at..]);
                at += name.Length;
                text[at++] = Separator;
            }
        });
    }

    /// <summary>The aliases a column text holds, or null if it is not one <see cref="Encode"/> writes.</summary>
    public static ImmutableArray<string>? Decode(string text)
    {
        if (text.Length == 0) return [];
        if (text[^1] != Separator) return null;
        var names = text[..^1].Split(Separator);
        return names.Any(n => n.Length == 0) ? null : [.. names];
    }

    /// <summary>Rejects what no canonical name can be, naming it.</summary>
    /// <exception cref="ArgumentException">The alias is empty or holds a space.</exception>
    public static void Validate(string alias)
    {
        if (string.IsNullOrEmpty(alias)) throw new ArgumentException("a learned IP's alias chain holds an empty name", nameof(alias));
        if (alias.Contains(Separator)) throw new ArgumentException($"a learned IP's alias chain holds '{alias}', which is not a canonical DNS name (it has a space)", nameof(alias));
    }
}
