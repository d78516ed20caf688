using System.Net;
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
                    applied[i] = true;
                }
            }
            return applied;
        });
    }

    /// <summary>
    /// Records IPs learned from a DNS answer; an entry already known for the same address and domain
    /// takes the new expiry (the answer's TTL counts from now).
    /// </summary>
    /// <returns>False if no attachment has <paramref name="id"/>.</returns>
    public bool UpsertLearnedIps(string id, IEnumerable<LearnedIp> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Write("recording learned IPs of " + id, transaction => Upsert(transaction, id, entries));
    }

    bool Upsert(Microsoft.Data.Sqlite.SqliteTransaction transaction, string id, IEnumerable<LearnedIp> entries)
    {
        using (var exists = Command("SELECT 1 FROM attachments WHERE id = $id", transaction))
        {
            exists.Parameters.AddWithValue("$id", id);
            if (exists.ExecuteScalar() is null) return false;
        }
        using var upsert = Command("""
            INSERT INTO learned_ips (attachment_id, address, domain, expires_at) VALUES ($id, $address, $domain, $expires)
            ON CONFLICT (attachment_id, address, domain) DO UPDATE SET expires_at = excluded.expires_at
            """, transaction);
        upsert.Parameters.AddWithValue("$id", id);
        var address = upsert.Parameters.Add("$address", Microsoft.Data.Sqlite.SqliteType.Text);
        var domain = upsert.Parameters.Add("$domain", Microsoft.Data.Sqlite.SqliteType.Text);
        var expires = upsert.Parameters.Add("$expires", Microsoft.Data.Sqlite.SqliteType.Integer);
        foreach (var entry in entries)
        {
            address.Value = entry.Address.ToString();
            domain.Value = entry.Domain;
            expires.Value = entry.ExpiresAt.UtcTicks;
            upsert.ExecuteNonQuery();
        }
        return true;
    }

    /// <summary>The learned IPs of an attachment, ordered by address then domain.</summary>
    public IReadOnlyList<LearnedIp> GetLearnedIps(string id) => Read("reading learned IPs of " + id, () =>
    {
        using var select = Command("SELECT address, domain, expires_at FROM learned_ips WHERE attachment_id = $id ORDER BY address, domain");
        select.Parameters.AddWithValue("$id", id);
        return ReadLearned(select, id).Select(e => e.Entry).ToList();
    });

    /// <summary>Removes and returns every learned IP that expired at or before <paramref name="now"/>.</summary>
    public IReadOnlyList<ExpiredLearnedIp> RemoveExpiredLearnedIps(DateTimeOffset now) => Write("removing expired learned IPs", transaction =>
    {
        using var delete = Command("DELETE FROM learned_ips WHERE expires_at <= $now RETURNING address, domain, expires_at, attachment_id", transaction);
        delete.Parameters.AddWithValue("$now", now.UtcTicks);
        return ReadLearned(delete, null);
    });

    /// <summary>
    /// Removes and returns the learned IPs of an attachment that <paramref name="rule"/> covers, so that
    /// removing or denying a domain revokes what it taught (pitfall 11).
    /// </summary>
    public IReadOnlyList<LearnedIp> RemoveLearnedIps(string id, DomainRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Write("revoking learned IPs of " + id, transaction =>
        {
            List<ExpiredLearnedIp> all;
            using (var select = Command("SELECT address, domain, expires_at FROM learned_ips WHERE attachment_id = $id", transaction))
            {
                select.Parameters.AddWithValue("$id", id);
                all = ReadLearned(select, id);
            }
            var revoked = all.Select(e => e.Entry).Where(e => rule.Matches(e.Domain)).ToList();
            using var delete = Command("DELETE FROM learned_ips WHERE attachment_id = $id AND address = $address AND domain = $domain", transaction);
            delete.Parameters.AddWithValue("$id", id);
            var address = delete.Parameters.Add("$address", Microsoft.Data.Sqlite.SqliteType.Text);
            var domain = delete.Parameters.Add("$domain", Microsoft.Data.Sqlite.SqliteType.Text);
            foreach (var entry in revoked)
            {
                address.Value = entry.Address.ToString();
                domain.Value = entry.Domain;
                delete.ExecuteNonQuery();
            }
            return revoked;
        });
    }

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

    void Forget(Microsoft.Data.Sqlite.SqliteTransaction transaction, string id, IEnumerable<IPAddress> addresses)
    {
        using var delete = Command("DELETE FROM learned_ips WHERE attachment_id = $id AND address = $address", transaction);
        delete.Parameters.AddWithValue("$id", id);
        var address = delete.Parameters.Add("$address", Microsoft.Data.Sqlite.SqliteType.Text);
        foreach (var entry in addresses)
        {
            address.Value = entry.ToString();
            delete.ExecuteNonQuery();
        }
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

    List<ExpiredLearnedIp> ReadLearned(Microsoft.Data.Sqlite.SqliteCommand command, string? id)
    {
        var result = new List<ExpiredLearnedIp>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var owner = id ?? reader.GetString(3);
            var text = reader.GetString(0);
            if (!IPAddress.TryParse(text, out var address)) throw Corrupt(owner, $"learned IP '{text}'");
            result.Add(new ExpiredLearnedIp(owner, new LearnedIp(address, reader.GetString(1), new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero))));
        }
        return result;
    }
}
