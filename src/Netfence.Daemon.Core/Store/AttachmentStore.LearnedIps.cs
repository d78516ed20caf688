using System.Net;
using Microsoft.Data.Sqlite;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Store;

public sealed partial class AttachmentStore : ILearnedIpStore
{
    /// <inheritdoc/>
    public bool[] CommitLearnedIps(IReadOnlyList<LearnedIpChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return Write($"recording {changes.Count} learned-IP changes", transaction =>
        {
            var applied = new bool[changes.Count];
            for (int i = 0; i < changes.Count; i++)
            {
                var change = changes[i];
                if (change.Upsert is { } entries) applied[i] = Upsert(transaction, change.AttachmentId, entries);
                else
                {
                    Forget(transaction, change.AttachmentId, change.Remove!);
                    Withdraw(transaction, change.AttachmentId, change.Withdraw!);
                    applied[i] = true;
                }
            }
            return applied;
        });
    }

    /// <summary>
    /// Records teachings learned from a DNS answer, each with its chain (<see cref="LearnedIp.Aliases"/>); one already
    /// known for the same address, question and aliases keeps the later of the two expiries.
    /// </summary>
    /// <returns>False if no attachment has <paramref name="id"/>.</returns>
    /// <exception cref="ArgumentException">An alias is not a name the store can keep (empty, or holds a space).</exception>
    public bool UpsertLearnedIps(string id, IEnumerable<LearnedIp> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Write("recording learned IPs of " + id, transaction => Upsert(transaction, id, entries));
    }

    bool Upsert(SqliteTransaction transaction, string id, IEnumerable<LearnedIp> entries)
    {
        using (var exists = Command("SELECT 1 FROM attachments WHERE id = $id", transaction))
        {
            exists.Parameters.AddWithValue("$id", id);
            if (exists.ExecuteScalar() is null) return false;
        }
        // MAX: the DNS server's index never shortens a teaching, and the store mirrors it.
        using var upsert = Command("""
            INSERT INTO learned_ips (attachment_id, address, domain, chain, expires_at) VALUES ($id, $address, $domain, $chain, $expires)
            ON CONFLICT (attachment_id, address, domain, chain) DO UPDATE SET expires_at = MAX(expires_at, excluded.expires_at)
            """, transaction);
        upsert.Parameters.AddWithValue("$id", id);
        var teaching = BindTeaching(upsert);
        var expires = upsert.Parameters.Add("$expires", SqliteType.Integer);
        foreach (var entry in entries)
        {
            teaching(entry);
            expires.Value = entry.ExpiresAt.UtcTicks;
            upsert.ExecuteNonQuery();
        }
        return true;
    }

    /// <summary>The learned IPs of an attachment, each teaching with its chain, ordered by address, question, then chain.</summary>
    public IReadOnlyList<LearnedIp> GetLearnedIps(string id) => Read("reading learned IPs of " + id, () =>
    {
        using var select = Command("SELECT address, domain, chain, expires_at FROM learned_ips WHERE attachment_id = $id ORDER BY address, domain, chain");
        select.Parameters.AddWithValue("$id", id);
        return ReadLearned(select, id).Select(e => e.Entry).ToList();
    });

    /// <summary>Removes and returns every learned IP that expired at or before <paramref name="now"/>.</summary>
    public IReadOnlyList<ExpiredLearnedIp> RemoveExpiredLearnedIps(DateTimeOffset now) => Write("removing expired learned IPs", transaction =>
    {
        using var delete = Command("DELETE FROM learned_ips WHERE expires_at <= $now RETURNING address, domain, chain, expires_at, attachment_id", transaction);
        delete.Parameters.AddWithValue("$now", now.UtcTicks);
        return ReadLearned(delete, null);
    });

    /// <summary>Removes every learned entry of <paramref name="addresses"/> (whatever name taught it) from an attachment.</summary>
    public void RemoveLearnedAddresses(string id, IEnumerable<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        Write("forgetting learned IPs of " + id, transaction =>
        {
            Forget(transaction, id, addresses);
            return 0;
        });
    }

    void Forget(SqliteTransaction transaction, string id, IEnumerable<IPAddress> addresses)
    {
        using var delete = Command("DELETE FROM learned_ips WHERE attachment_id = $id AND address = $address", transaction);
        delete.Parameters.AddWithValue("$id", id);
        var address = delete.Parameters.Add("$address", SqliteType.Text);
        foreach (var entry in addresses)
        {
            address.Value = entry.ToString();
            delete.ExecuteNonQuery();
        }
    }

    // Forgets single teachings: the address stays while another row (another chain) vouches for it.
    void Withdraw(SqliteTransaction transaction, string id, IReadOnlyList<LearnedIp> teachings)
    {
        if (teachings.Count == 0) return;
        using var delete = Command("DELETE FROM learned_ips WHERE attachment_id = $id AND address = $address AND domain = $domain AND chain = $chain", transaction);
        delete.Parameters.AddWithValue("$id", id);
        var teaching = BindTeaching(delete);
        foreach (var entry in teachings)
        {
            teaching(entry);
            delete.ExecuteNonQuery();
        }
    }

    // The parameters that name one teaching in command ($address, $domain, $chain: the key after the attachment), and
    // what sets them to an entry's.
    static Action<LearnedIp> BindTeaching(SqliteCommand command)
    {
        var address = command.Parameters.Add("$address", SqliteType.Text);
        var domain = command.Parameters.Add("$domain", SqliteType.Text);
        var chain = command.Parameters.Add("$chain", SqliteType.Text);
        return entry =>
        {
            address.Value = entry.Address.ToString();
            domain.Value = entry.Domain;
            chain.Value = StoredAliases.Encode(entry.Aliases);
        };
    }

    /// <summary>Whether any name still vouches for <paramref name="address"/> in the attachment.</summary>
    public bool HasLearnedAddress(string id, IPAddress address) => Read("reading learned IPs of " + id, () =>
    {
        ArgumentNullException.ThrowIfNull(address);
        using var select = Command("SELECT 1 FROM learned_ips WHERE attachment_id = $id AND address = $address LIMIT 1");
        select.Parameters.AddWithValue("$id", id);
        select.Parameters.AddWithValue("$address", address.ToString());
        return select.ExecuteScalar() is not null;
    });

    // Columns: address, domain, chain, expires_at, then the attachment id when id is null.
    List<ExpiredLearnedIp> ReadLearned(SqliteCommand command, string? id)
    {
        var result = new List<ExpiredLearnedIp>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var owner = id ?? reader.GetString(4);
            var text = reader.GetString(0);
            if (!IPAddress.TryParse(text, out var address)) throw Corrupt(owner, $"learned IP '{text}'");
            var domain = reader.GetString(1);
            if (domain.Length == 0) throw Corrupt(owner, $"question name '' of learned IP '{text}'");
            var chain = reader.GetString(2);
            var aliases = StoredAliases.Decode(chain) ?? throw Corrupt(owner, $"alias chain '{chain}' of learned IP '{text}'");
            var entry = new LearnedIp(address, domain, new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero)) { Aliases = aliases };
            result.Add(new ExpiredLearnedIp(owner, entry));
        }
        return result;
    }
}
