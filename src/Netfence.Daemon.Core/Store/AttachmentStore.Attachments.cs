using Microsoft.Data.Sqlite;
using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;

namespace Netfence.Daemon.Store;

public sealed partial class AttachmentStore
{
    /// <summary>The page size of List when none is given.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>The largest page size of List.</summary>
    public const int MaxPageSize = 1000;

    const string SummaryColumns = "id, type, target, attached_at, dns_address, rule_version, mode, dns_mode";

    /// <summary>Stores a new attachment with its rules, in one transaction.</summary>
    /// <exception cref="AttachmentConflictException">The id, or the type and target, is already stored.</exception>
    public void Add(AttachmentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Type == AttachmentType.Unspecified) throw new ArgumentException("an attachment needs a type", nameof(record));
        Write("adding attachment " + record.Id, transaction =>
        {
            using (var exists = Command("SELECT id FROM attachments WHERE id = $id OR (type = $type AND target = $target) LIMIT 1", transaction))
            {
                exists.Parameters.AddWithValue("$id", record.Id);
                exists.Parameters.AddWithValue("$type", (int)record.Type);
                exists.Parameters.AddWithValue("$target", record.Target);
                if (exists.ExecuteScalar() is string other)
                    throw new AttachmentConflictException(other == record.Id
                        ? $"an attachment with id '{record.Id}' already exists"
                        : $"{record.Target} is already attached as '{other}'");
            }
            using (var insert = Command("""
                INSERT INTO attachments (id, type, target, attached_at, dns_address, rule_version, mode, dns_mode)
                VALUES ($id, $type, $target, $at, $dns, $version, $mode, $dnsMode)
                """, transaction))
            {
                insert.Parameters.AddWithValue("$id", record.Id);
                insert.Parameters.AddWithValue("$type", (int)record.Type);
                insert.Parameters.AddWithValue("$target", record.Target);
                insert.Parameters.AddWithValue("$at", record.AttachedAt.UtcTicks);
                insert.Parameters.AddWithValue("$dns", record.DnsAddress);
                insert.Parameters.AddWithValue("$version", record.RuleVersion);
                insert.Parameters.AddWithValue("$mode", (int)record.Rules.Mode);
                insert.Parameters.AddWithValue("$dnsMode", (int)record.Rules.Dns.Mode);
                insert.ExecuteNonQuery();
            }
            using (var metadata = Command("INSERT INTO attachment_metadata (attachment_id, key, value) VALUES ($id, $key, $value)", transaction))
            {
                metadata.Parameters.AddWithValue("$id", record.Id);
                var key = metadata.Parameters.Add("$key", SqliteType.Text);
                var value = metadata.Parameters.Add("$value", SqliteType.Text);
                foreach (var pair in record.Metadata)
                {
                    key.Value = pair.Key;
                    value.Value = pair.Value;
                    metadata.ExecuteNonQuery();
                }
            }
            InsertRuleLists(transaction, record.Id, record.Rules);
            return 0;
        });
    }

    /// <summary>
    /// Replaces an attachment's whole rule state (mode, CIDRs, DNS configuration) and its rule version
    /// in one transaction: a reader sees the old state or the new one, never a mixture, and a failure
    /// part-way leaves the old state.
    /// </summary>
    /// <returns>False if no attachment has <paramref name="id"/>.</returns>
    public bool ReplaceRules(string id, RuleSet rules, string ruleVersion)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(ruleVersion);
        return Write("replacing the rules of " + id, transaction =>
        {
            using (var update = Command("UPDATE attachments SET mode = $mode, dns_mode = $dnsMode, rule_version = $version WHERE id = $id", transaction))
            {
                update.Parameters.AddWithValue("$id", id);
                update.Parameters.AddWithValue("$mode", (int)rules.Mode);
                update.Parameters.AddWithValue("$dnsMode", (int)rules.Dns.Mode);
                update.Parameters.AddWithValue("$version", ruleVersion);
                if (update.ExecuteNonQuery() == 0) return false;
            }
            foreach (var table in new[] { "cidr_rules", "domain_rules", "dns_upstreams" })
            {
                using var delete = Command($"DELETE FROM {table} WHERE attachment_id = $id", transaction);
                delete.Parameters.AddWithValue("$id", id);
                delete.ExecuteNonQuery();
            }
            InsertRuleLists(transaction, id, rules);
            return true;
        });
    }

    void InsertRuleLists(SqliteTransaction transaction, string id, RuleSet rules)
    {
        using (var cidr = Command("INSERT INTO cidr_rules (attachment_id, list, position, cidr, expires_at) VALUES ($id, $list, $position, $cidr, $expires)", transaction))
        {
            cidr.Parameters.AddWithValue("$id", id);
            var list = cidr.Parameters.Add("$list", SqliteType.Integer);
            var position = cidr.Parameters.Add("$position", SqliteType.Integer);
            var text = cidr.Parameters.Add("$cidr", SqliteType.Text);
            var expires = cidr.Parameters.Add("$expires", SqliteType.Integer);
            foreach (var (listNumber, entries) in new[] { (0, rules.AllowCidrs), (1, rules.DenyCidrs) })
            {
                for (int i = 0; i < entries.Length; i++)
                {
                    list.Value = listNumber;
                    position.Value = i;
                    text.Value = entries[i].Network.ToString();
                    expires.Value = entries[i].ExpiresAt is { } at ? at.UtcTicks : DBNull.Value;
                    cidr.ExecuteNonQuery();
                }
            }
        }
        using (var domain = Command("INSERT INTO domain_rules (attachment_id, list, position, name, match) VALUES ($id, $list, $position, $name, $match)", transaction))
        {
            domain.Parameters.AddWithValue("$id", id);
            var list = domain.Parameters.Add("$list", SqliteType.Integer);
            var position = domain.Parameters.Add("$position", SqliteType.Integer);
            var name = domain.Parameters.Add("$name", SqliteType.Text);
            var match = domain.Parameters.Add("$match", SqliteType.Integer);
            foreach (var (listNumber, entries) in new[] { (0, rules.Dns.AllowDomains), (1, rules.Dns.DenyDomains) })
            {
                for (int i = 0; i < entries.Length; i++)
                {
                    list.Value = listNumber;
                    position.Value = i;
                    name.Value = entries[i].Name;
                    match.Value = (int)entries[i].Match;
                    domain.ExecuteNonQuery();
                }
            }
        }
        using (var upstream = Command("INSERT INTO dns_upstreams (attachment_id, position, address) VALUES ($id, $position, $address)", transaction))
        {
            upstream.Parameters.AddWithValue("$id", id);
            var position = upstream.Parameters.Add("$position", SqliteType.Integer);
            var address = upstream.Parameters.Add("$address", SqliteType.Text);
            for (int i = 0; i < rules.Dns.Upstreams.Length; i++)
            {
                position.Value = i;
                address.Value = rules.Dns.Upstreams[i].ToString();
                upstream.ExecuteNonQuery();
            }
        }
    }

    /// <summary>Removes an attachment with its rules and learned IPs.</summary>
    /// <returns>False if no attachment has <paramref name="id"/>.</returns>
    public bool Remove(string id) => Write("removing attachment " + id, transaction =>
    {
        using var delete = Command("DELETE FROM attachments WHERE id = $id", transaction);
        delete.Parameters.AddWithValue("$id", id);
        return delete.ExecuteNonQuery() > 0;
    });

    /// <summary>The attachment with <paramref name="id"/> and its full rule state, or null.</summary>
    public AttachmentRecord? Get(string id) => Read("reading attachment " + id, () =>
    {
        using var select = Command($"SELECT {SummaryColumns} FROM attachments WHERE id = $id");
        select.Parameters.AddWithValue("$id", id);
        var summary = ReadSummaries(select).SingleOrDefault();
        return summary is null ? null : WithRules(summary);
    });

    /// <summary>The attachment of a canonical target, or null.</summary>
    public AttachmentRecord? FindByTarget(AttachmentType type, string target) => Read("looking up " + target, () =>
    {
        using var select = Command($"SELECT {SummaryColumns} FROM attachments WHERE type = $type AND target = $target");
        select.Parameters.AddWithValue("$type", (int)type);
        select.Parameters.AddWithValue("$target", target);
        var summary = ReadSummaries(select).SingleOrDefault();
        return summary is null ? null : WithRules(summary);
    });

    /// <summary>How many attachments are stored.</summary>
    public int Count() => Read("counting attachments", () => Convert.ToInt32(Command("SELECT COUNT(*) FROM attachments").ExecuteScalar()));

    /// <summary>
    /// One page of attachments ordered by attach time then id. <paramref name="pageSize"/> 0 means
    /// <see cref="DefaultPageSize"/>; <paramref name="pageToken"/> empty means the first page.
    /// </summary>
    /// <exception cref="PolicyValidationException">The page size is out of range or the token is not one List returned.</exception>
    public AttachmentPage List(int pageSize = 0, string pageToken = "")
    {
        if (pageSize < 0 || pageSize > MaxPageSize)
            throw new PolicyValidationException("page_size", $"{pageSize} is not between 0 and {MaxPageSize} (0 means {DefaultPageSize})");
        int size = pageSize == 0 ? DefaultPageSize : pageSize;
        (long Ticks, string Id)? after = string.IsNullOrEmpty(pageToken) ? null : PageToken.Decode(pageToken);
        return Read("listing attachments", () =>
        {
            using var select = Command(after is null
                ? $"SELECT {SummaryColumns} FROM attachments ORDER BY attached_at, id LIMIT $limit"
                : $"SELECT {SummaryColumns} FROM attachments WHERE (attached_at, id) > ($at, $id) ORDER BY attached_at, id LIMIT $limit");
            // One extra row tells whether another page exists without a second query.
            select.Parameters.AddWithValue("$limit", size + 1);
            if (after is { } key)
            {
                select.Parameters.AddWithValue("$at", key.Ticks);
                select.Parameters.AddWithValue("$id", key.Id);
            }
            var items = ReadSummaries(select);
            var next = "";
            if (items.Count > size)
            {
                items.RemoveAt(size);
                next = PageToken.Encode(items[^1].AttachedAt.UtcTicks, items[^1].Id);
            }
            int total = Convert.ToInt32(Command("SELECT COUNT(*) FROM attachments").ExecuteScalar());
            return new AttachmentPage(items, next, total);
        });
    }

    /// <summary>Every attachment with its full rule state, in List order, read page by page (for restoring at start).</summary>
    public IEnumerable<AttachmentRecord> ReadAll()
    {
        var token = "";
        do
        {
            var page = List(MaxPageSize, token);
            foreach (var summary in page.Items)
            {
                if (Get(summary.Id) is { } record) yield return record;
            }
            token = page.NextPageToken;
        }
        while (token.Length > 0);
    }

    /// <summary>The daemon's id, created once and kept across restarts (SyncRequest.daemon_id).</summary>
    public string GetOrCreateDaemonId() => Write("reading the daemon id", transaction =>
    {
        using (var select = Command("SELECT value FROM daemon_state WHERE key = 'daemon_id'", transaction))
        {
            if (select.ExecuteScalar() is string id) return id;
        }
        var created = Guid.NewGuid().ToString("D");
        using var insert = Command("INSERT INTO daemon_state (key, value) VALUES ('daemon_id', $id)", transaction);
        insert.Parameters.AddWithValue("$id", created);
        insert.ExecuteNonQuery();
        return created;
    });

    List<AttachmentSummary> ReadSummaries(SqliteCommand select)
    {
        var rows = new List<(string Id, int Type, string Target, long At, string Dns, string Version, int Mode, int DnsMode)>();
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
                rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetInt32(7)));
        }
        var result = new List<AttachmentSummary>(rows.Count);
        foreach (var row in rows)
        {
            if (!Enum.IsDefined((AttachmentType)row.Type) || row.Type == 0) throw Corrupt(row.Id, $"type {row.Type}");
            if (!Enum.IsDefined((PolicyMode)row.Mode)) throw Corrupt(row.Id, $"mode {row.Mode}");
            if (!Enum.IsDefined((DnsMode)row.DnsMode)) throw Corrupt(row.Id, $"DNS mode {row.DnsMode}");
            result.Add(new AttachmentSummary(row.Id, (AttachmentType)row.Type, row.Target, ReadMetadata(row.Id),
                new DateTimeOffset(row.At, TimeSpan.Zero), row.Dns, row.Version, (PolicyMode)row.Mode, (DnsMode)row.DnsMode));
        }
        return result;
    }

    AttachmentMetadata ReadMetadata(string id)
    {
        using var select = Command("SELECT key, value FROM attachment_metadata WHERE attachment_id = $id");
        select.Parameters.AddWithValue("$id", id);
        var pairs = new List<KeyValuePair<string, string>>();
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read()) pairs.Add(new(reader.GetString(0), reader.GetString(1)));
        }
        try
        {
            return AttachmentMetadata.From(pairs);
        }
        catch (PolicyValidationException e)
        {
            throw Corrupt(id, e.Message);
        }
    }

    AttachmentRecord WithRules(AttachmentSummary summary)
    {
        var id = summary.Id;
        var allow = new List<CidrRule>();
        var deny = new List<CidrRule>();
        using (var select = Command("SELECT list, cidr, expires_at FROM cidr_rules WHERE attachment_id = $id ORDER BY list, position"))
        {
            select.Parameters.AddWithValue("$id", id);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var text = reader.GetString(1);
                if (!System.Net.IPNetwork.TryParse(text, out var network)) throw Corrupt(id, $"CIDR '{text}'");
                DateTimeOffset? expires = reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero);
                (reader.GetInt32(0) == 0 ? allow : deny).Add(new CidrRule(network, expires));
            }
        }
        var allowDomains = new List<DomainRule>();
        var denyDomains = new List<DomainRule>();
        using (var select = Command("SELECT list, name, match FROM domain_rules WHERE attachment_id = $id ORDER BY list, position"))
        {
            select.Parameters.AddWithValue("$id", id);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var match = (DomainMatch)reader.GetInt32(2);
                if (!Enum.IsDefined(match)) throw Corrupt(id, $"domain match {(int)match}");
                (reader.GetInt32(0) == 0 ? allowDomains : denyDomains).Add(new DomainRule(reader.GetString(1), match));
            }
        }
        var upstreams = new List<System.Net.IPEndPoint>();
        using (var select = Command("SELECT address FROM dns_upstreams WHERE attachment_id = $id ORDER BY position"))
        {
            select.Parameters.AddWithValue("$id", id);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                var text = reader.GetString(0);
                if (!System.Net.IPEndPoint.TryParse(text, out var endpoint)) throw Corrupt(id, $"DNS upstream '{text}'");
                upstreams.Add(endpoint);
            }
        }
        try
        {
            var rules = new RuleSet(summary.Mode, allow, deny, new DnsPolicy(summary.DnsMode, allowDomains, denyDomains, upstreams));
            return new AttachmentRecord(id, summary.Type, summary.Target, summary.Metadata, summary.AttachedAt, summary.DnsAddress, summary.RuleVersion, rules);
        }
        catch (ArgumentException e)
        {
            throw Corrupt(id, e.Message);
        }
    }

    StoreException Corrupt(string id, string what) =>
        new($"the store {FilePath} holds an invalid {what} for attachment '{id}'; it was modified outside netfenced or is damaged. {WhatToDo}");
}
