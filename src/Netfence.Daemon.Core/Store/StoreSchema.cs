namespace Netfence.Daemon.Store;

/// <summary>
/// The store's schema and how to reach it. <c>PRAGMA user_version</c> holds the version; each entry
/// of <see cref="Migrations"/> takes the schema from its index to the next version, so an old store
/// is upgraded step by step in one transaction and a store from a newer build is refused.
/// </summary>
static class StoreSchema
{
    public static int CurrentVersion => Migrations.Length;

    public static readonly string[] Migrations =
    [
        // 0 -> 1: the first schema.
        """
        CREATE TABLE attachments (
            id           TEXT    NOT NULL PRIMARY KEY,
            type         INTEGER NOT NULL,
            target       TEXT    NOT NULL,
            attached_at  INTEGER NOT NULL, -- UTC ticks
            dns_address  TEXT    NOT NULL,
            rule_version TEXT    NOT NULL,
            mode         INTEGER NOT NULL,
            dns_mode     INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX attachments_by_target ON attachments (type, target);
        CREATE INDEX attachments_by_listing ON attachments (attached_at, id);

        CREATE TABLE attachment_metadata (
            attachment_id TEXT NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
            key           TEXT NOT NULL,
            value         TEXT NOT NULL,
            PRIMARY KEY (attachment_id, key)
        ) WITHOUT ROWID;

        -- list: 0 allow, 1 deny. position keeps the control plane's order.
        CREATE TABLE cidr_rules (
            attachment_id TEXT    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
            list          INTEGER NOT NULL,
            position      INTEGER NOT NULL,
            cidr          TEXT    NOT NULL,
            expires_at    INTEGER, -- UTC ticks; NULL = permanent
            PRIMARY KEY (attachment_id, list, position)
        ) WITHOUT ROWID;
        CREATE INDEX cidr_rules_by_expiry ON cidr_rules (expires_at) WHERE expires_at IS NOT NULL;

        CREATE TABLE domain_rules (
            attachment_id TEXT    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
            list          INTEGER NOT NULL,
            position      INTEGER NOT NULL,
            name          TEXT    NOT NULL,
            match         INTEGER NOT NULL,
            PRIMARY KEY (attachment_id, list, position)
        ) WITHOUT ROWID;

        CREATE TABLE dns_upstreams (
            attachment_id TEXT    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
            position      INTEGER NOT NULL,
            address       TEXT    NOT NULL,
            PRIMARY KEY (attachment_id, position)
        ) WITHOUT ROWID;

        CREATE TABLE learned_ips (
            attachment_id TEXT    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
            address       TEXT    NOT NULL,
            domain        TEXT    NOT NULL,
            expires_at    INTEGER NOT NULL,
            PRIMARY KEY (attachment_id, address, domain)
        ) WITHOUT ROWID;
        CREATE INDEX learned_ips_by_expiry ON learned_ips (expires_at);

        CREATE TABLE daemon_state (
            key   TEXT NOT NULL PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        """,

        // 1 -> 2: learned IPs keep the whole chain that taught them, so that a restarted daemon judges them again on the
        // same names as the one that learned them (a deny rule for an alias revokes what it taught). chain holds the
        // CNAME targets after the question (StoredAliases: each name followed by a space); it joins the primary key,
        // since one question teaching one address through two alias chains is two teachings. Rows written before hold
        // only the question: they become chains of the question alone. SQLite cannot change a primary key in place.
        """
        CREATE TABLE learned_ips_v2 (
            attachment_id TEXT    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
            address       TEXT    NOT NULL,
            domain        TEXT    NOT NULL,
            chain         TEXT    NOT NULL,
            expires_at    INTEGER NOT NULL,
            PRIMARY KEY (attachment_id, address, domain, chain)
        ) WITHOUT ROWID;
        INSERT INTO learned_ips_v2 (attachment_id, address, domain, chain, expires_at)
            SELECT attachment_id, address, domain, '', expires_at FROM learned_ips;
        DROP TABLE learned_ips;
        ALTER TABLE learned_ips_v2 RENAME TO learned_ips;
        CREATE INDEX learned_ips_by_expiry ON learned_ips (expires_at);
        """,
    ];
}
