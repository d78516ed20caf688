using System.Net;
using Microsoft.Data.Sqlite;
using Netfence.Daemon.Store;
using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;

namespace Netfence.Daemon.Tests.Store;

public sealed class AttachmentStoreTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    static RuleSet FullRules(int variant = 0) => new(
        PolicyMode.Allowlist,
        [new CidrRule(IPNetwork.Parse($"10.{variant}.0.0/16"), null), new CidrRule(IPNetwork.Parse("2001:db8::/32"), T0.AddMinutes(5))],
        [new CidrRule(IPNetwork.Parse("192.0.2.0/24"), T0.AddTicks(1234567))],
        new DnsPolicy(DnsMode.Denylist,
            [new DomainRule("example.com", DomainMatch.WithSubdomains), new DomainRule("svc.local", DomainMatch.SubdomainsOnly)],
            [new DomainRule($"bad{variant}.example", DomainMatch.Exact)],
            [IPEndPoint.Parse("1.1.1.1:53"), IPEndPoint.Parse("[2001:db8::53]:5353")]));

    static AttachmentRecord Record(string id, string target, DateTimeOffset at, RuleSet? rules = null) => new(
        id, AttachmentType.Cgroup, target, AttachmentMetadata.Parse("vm_id=" + id + ",zone=z1"), at, "127.0.0.1:10000", "v1", rules ?? FullRules());

    [Fact]
    public void MissingStoreStartsEmptyAtCurrentSchema()
    {
        using var store = AttachmentStore.Open(Path.Combine(dir.Path, "nested"));
        Assert.Equal(0, store.Count());
        Assert.Equal(StoreSchema.CurrentVersion, store.SchemaVersion);
        Assert.Equal(2, store.SchemaVersion);
        Assert.True(File.Exists(Path.Combine(dir.Path, "nested", AttachmentStore.FileName)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(dir.Path, "nested")));
    }

    [Fact]
    public void FullStateIsEqualAfterReopen()
    {
        var record = Record("a1", "/x", T0.AddTicks(7));
        var learned = new[] { new LearnedIp(IPAddress.Parse("93.184.216.34"), "example.com", T0.AddSeconds(60)), new LearnedIp(IPAddress.Parse("2606:2800::1"), "www.example.com", T0.AddSeconds(90)) };
        string daemonId;
        using (var store = AttachmentStore.Open(dir.Path))
        {
            store.Add(record);
            Assert.True(store.UpsertLearnedIps("a1", learned));
            daemonId = store.GetOrCreateDaemonId();
        }
        using (var store = AttachmentStore.Open(dir.Path))
        {
            Assert.Equal(record, store.Get("a1"));
            Assert.Equal(record, store.FindByTarget(AttachmentType.Cgroup, "/x"));
            Assert.Equal(learned.OrderBy(l => l.Address.ToString()), store.GetLearnedIps("a1"));
            Assert.Equal(daemonId, store.GetOrCreateDaemonId());
            Assert.Equal([record], store.ReadAll());
        }
    }

    [Fact]
    public void ReplaceRulesReplacesTheWholeState()
    {
        using var store = AttachmentStore.Open(dir.Path);
        store.Add(Record("a1", "/x", T0));
        var next = new RuleSet(PolicyMode.Denylist, [], [new CidrRule(IPNetwork.Parse("0.0.0.0/0"), null)], DnsPolicy.RefuseAll);
        Assert.True(store.ReplaceRules("a1", next, "v2"));
        var stored = store.Get("a1")!;
        Assert.Equal(next, stored.Rules);
        Assert.Equal("v2", stored.RuleVersion);
        Assert.False(store.ReplaceRules("missing", next, "v3"));
    }

    [Fact]
    public void FailureMidReplaceLeavesTheOldState()
    {
        using var store = AttachmentStore.Open(dir.Path);
        var before = Record("a1", "/x", T0);
        store.Add(before);
        // A trigger in the file (not a hook in the code) fails the transaction after the old rows are
        // deleted and some new rows are written.
        using (var outside = new SqliteConnection($"Data Source={store.FilePath};Pooling=False"))
        {
            outside.Open();
            using var command = outside.CreateCommand();
            command.CommandText = "CREATE TRIGGER fail_mid BEFORE INSERT ON cidr_rules WHEN NEW.cidr = '198.51.100.0/24' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;";
            command.ExecuteNonQuery();
        }
        var next = new RuleSet(PolicyMode.Denylist,
            [new CidrRule(IPNetwork.Parse("203.0.113.0/24"), null), new CidrRule(IPNetwork.Parse("198.51.100.0/24"), null)], [], DnsPolicy.RefuseAll);
        var e = Assert.Throws<StoreException>(() => store.ReplaceRules("a1", next, "v2"));
        Assert.Contains("injected failure", e.Message);
        Assert.Contains(store.FilePath, e.Message);
        Assert.Equal(before, store.Get("a1"));
    }

    [Fact]
    public void DuplicateIdOrTargetIsAConflict()
    {
        using var store = AttachmentStore.Open(dir.Path);
        store.Add(Record("a1", "/x", T0));
        Assert.Contains("id 'a1' already exists", Assert.Throws<AttachmentConflictException>(() => store.Add(Record("a1", "/y", T0))).Message);
        Assert.Contains("/x is already attached as 'a1'", Assert.Throws<AttachmentConflictException>(() => store.Add(Record("a2", "/x", T0))).Message);
        // The same name as an interface is a different target.
        store.Add(Record("a3", "/x", T0) with { Type = AttachmentType.Tc });
        Assert.Equal(2, store.Count());
    }

    [Fact]
    public void RemoveDeletesRulesAndLearnedIps()
    {
        using var store = AttachmentStore.Open(dir.Path);
        store.Add(Record("a1", "/x", T0));
        store.UpsertLearnedIps("a1", [new LearnedIp(IPAddress.Parse("192.0.2.1"), "example.com", T0)]);
        Assert.True(store.Remove("a1"));
        Assert.False(store.Remove("a1"));
        Assert.Null(store.Get("a1"));
        Assert.Empty(store.GetLearnedIps("a1"));
        Assert.Empty(store.RemoveExpiredLearnedIps(T0.AddYears(1)));
    }

    [Fact]
    public void LearnedIpsExpireAndSingleTeachingsAreWithdrawn()
    {
        using var store = AttachmentStore.Open(dir.Path);
        store.Add(Record("a1", "/x", T0));
        store.Add(Record("a2", "/y", T0));
        store.UpsertLearnedIps("a1", [
            new LearnedIp(IPAddress.Parse("192.0.2.1"), "example.com", T0.AddSeconds(10)),
            new LearnedIp(IPAddress.Parse("192.0.2.2"), "api.example.com", T0.AddSeconds(100)),
            new LearnedIp(IPAddress.Parse("192.0.2.3"), "other.org", T0.AddSeconds(100)),
        ]);
        store.UpsertLearnedIps("a2", [new LearnedIp(IPAddress.Parse("192.0.2.2"), "api.example.com", T0.AddSeconds(100))]);
        Assert.False(store.UpsertLearnedIps("missing", []));

        var expired = store.RemoveExpiredLearnedIps(T0.AddSeconds(10));
        Assert.Equal([new ExpiredLearnedIp("a1", new LearnedIp(IPAddress.Parse("192.0.2.1"), "example.com", T0.AddSeconds(10)))], expired);

        // A withdrawn teaching goes by address, question and chain; its expiry need not match.
        Assert.Equal([true], store.CommitLearnedIps([LearnedIpChange.Forget("a1", [], [new LearnedIp(IPAddress.Parse("192.0.2.2"), "api.example.com", T0)])]));
        Assert.Equal(["other.org"], store.GetLearnedIps("a1").Select(l => l.Domain));
        // Another attachment's learned IP for the same name is untouched (pitfall 22).
        Assert.Single(store.GetLearnedIps("a2"));
    }

    static readonly IPAddress Cdn = IPAddress.Parse("198.51.100.7");

    static LearnedIp Through(string question, DateTimeOffset until, params string[] aliases) => new(Cdn, question, until) { Aliases = [.. aliases] };

    [Fact]
    public void EveryTeachingKeepsItsWholeChainAcrossAReopen()
    {
        // One question reaching one address through two alias chains is two teachings, each with its own expiry, beside
        // the question's own record and another question's.
        LearnedIp[] taught =
        [
            Through("q.example", T0.AddSeconds(60), "alias.cdn"),
            Through("q.example", T0.AddSeconds(30), "other.cdn", "edge.cdn"),
            Through("q.example", T0.AddSeconds(20)),
            Through("r.example", T0.AddSeconds(90), "alias.cdn"),
        ];
        using (var store = AttachmentStore.Open(dir.Path))
        {
            store.Add(Record("a1", "/x", T0));
            Assert.True(store.UpsertLearnedIps("a1", taught));
            // The later expiry wins, as in the DNS server's index, which never shortens a teaching.
            Assert.True(store.UpsertLearnedIps("a1", [Through("q.example", T0.AddSeconds(5), "alias.cdn"), Through("q.example", T0.AddSeconds(40), "other.cdn", "edge.cdn")]));
        }
        using (var store = AttachmentStore.Open(dir.Path))
        {
            var expected = new[] { taught[0], taught[1] with { ExpiresAt = T0.AddSeconds(40) }, taught[2], taught[3] };
            Assert.Equal(expected.OrderBy(Key), store.GetLearnedIps("a1").OrderBy(Key));

            // Withdrawing one chain leaves the others, the same question's included.
            store.CommitLearnedIps([LearnedIpChange.Forget("a1", [], [Through("q.example", T0, "alias.cdn")])]);
            Assert.Equal(expected.Skip(1).OrderBy(Key), store.GetLearnedIps("a1").OrderBy(Key));
            Assert.True(store.HasLearnedAddress("a1", Cdn));

            // The sweep removes expired teachings one by one, each with its chain.
            var expired = store.RemoveExpiredLearnedIps(T0.AddSeconds(40));
            Assert.Equal([new ExpiredLearnedIp("a1", taught[2]), new ExpiredLearnedIp("a1", expected[1])], expired.OrderBy(e => e.Entry.ExpiresAt));
            Assert.Equal([taught[3]], store.GetLearnedIps("a1"));

            // Forgetting the address forgets every teaching of it.
            store.CommitLearnedIps([LearnedIpChange.Forget("a1", [Cdn])]);
            Assert.Empty(store.GetLearnedIps("a1"));
        }

        static string Key(LearnedIp l) => l.ToString();
    }

    [Fact]
    public void ChainsOfNamesWithEveryCharacterACanonicalNameMayHoldStayApart()
    {
        // Canonical names hold letters, digits, '-', '_', '.' and '\' escapes (\032 is a space octet, \046 a dot inside a
        // label, \092 a backslash), never a space itself. Joined by '.', ["a.b"] and ["a", "b"] would collide; joined by
        // '\' or a digit, the escapes would; these chains must all come back apart.
        string[][] chains =
        [
            ["a.b"],
            ["a", "b"],
            ["a\\032b"],
            ["a\\032", "b"],
            ["a\\046b", "c"],
            ["a\\092", "\\092b"],
            ["x-y_z.0-9", "_srv._tcp.a-b"],
            ["a.b", "c"],
            ["a", "b.c"],
        ];
        using var store = AttachmentStore.Open(dir.Path);
        store.Add(Record("a1", "/x", T0));
        var taught = chains.Select((c, i) => Through("q.example", T0.AddSeconds(i + 1), c)).ToList();
        Assert.True(store.UpsertLearnedIps("a1", taught));
        Assert.Equal(taught, store.GetLearnedIps("a1").OrderBy(l => l.ExpiresAt));

        // What no canonical name can be is refused, naming it, before anything is written.
        var e = Assert.Throws<ArgumentException>(() => LearnedIpChange.Learn("a1", [Through("q.example", T0, "a b")]));
        Assert.Contains("'a b'", e.Message);
        Assert.Throws<ArgumentException>(() => store.UpsertLearnedIps("a1", [Through("q.example", T0, "")]));
        Assert.Equal(chains.Length, store.GetLearnedIps("a1").Count);
    }

    [Theory]
    [InlineData("alias.cdn")]        // no closing space: not what the store writes
    [InlineData("alias.cdn  ")]      // an empty name between two spaces
    [InlineData(" alias.cdn ")]      // an empty first name
    public void AChainTheStoreDidNotWriteIsAClearError(string chain)
    {
        using var store = AttachmentStore.Open(dir.Path);
        store.Add(Record("a1", "/x", T0));
        using (var outside = new SqliteConnection($"Data Source={store.FilePath};Pooling=False"))
        {
            outside.Open();
            using var command = outside.CreateCommand();
            command.CommandText = "INSERT INTO learned_ips VALUES ('a1', '192.0.2.1', 'q.example', $chain, 0)";
            command.Parameters.AddWithValue("$chain", chain);
            command.ExecuteNonQuery();
        }
        var e = Assert.Throws<StoreException>(() => store.GetLearnedIps("a1"));
        Assert.Contains($"invalid alias chain '{chain}' of learned IP '192.0.2.1' for attachment 'a1'", e.Message);
        Assert.Contains(store.FilePath, e.Message);
    }

    [Fact]
    public void AVersion1StoreMigratesWithItsLearnedIpsAsChainsOfTheQuestionAlone()
    {
        Directory.CreateDirectory(dir.Path);
        var path = Path.Combine(dir.Path, AttachmentStore.FileName);
        using (var v1 = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            v1.Open();
            using var command = v1.CreateCommand();
            command.CommandText = StoreSchema.Migrations[0] + $"""

                PRAGMA user_version = 1;
                INSERT INTO attachments VALUES ('a1', {(int)AttachmentType.Cgroup}, '/x', {T0.UtcTicks}, '127.0.0.1:10000', 'v1', {(int)PolicyMode.Allowlist}, {(int)DnsMode.Allowlist});
                INSERT INTO learned_ips VALUES ('a1', '192.0.2.1', 'q.example', {T0.AddSeconds(60).UtcTicks});
                INSERT INTO learned_ips VALUES ('a1', '192.0.2.1', 'r.example', {T0.AddSeconds(30).UtcTicks});
                INSERT INTO learned_ips VALUES ('a1', '2001:db8::1', 'q.example', {T0.AddSeconds(90).UtcTicks});
                """;
            command.ExecuteNonQuery();
        }

        using var store = AttachmentStore.Open(dir.Path);
        Assert.Equal(2, store.SchemaVersion);
        Assert.NotNull(store.Get("a1"));
        LearnedIp[] migrated =
        [
            new(IPAddress.Parse("192.0.2.1"), "q.example", T0.AddSeconds(60)),
            new(IPAddress.Parse("192.0.2.1"), "r.example", T0.AddSeconds(30)),
            new(IPAddress.Parse("2001:db8::1"), "q.example", T0.AddSeconds(90)),
        ];
        Assert.Equal(migrated, store.GetLearnedIps("a1"));
        Assert.All(store.GetLearnedIps("a1"), l => Assert.Empty(l.Aliases));
        // The migrated table works as a new one: the same question through an alias is another teaching, the expiry
        // index still serves the sweep, and removing the attachment still cascades.
        Assert.True(store.UpsertLearnedIps("a1", [new LearnedIp(IPAddress.Parse("192.0.2.1"), "q.example", T0.AddSeconds(10)) { Aliases = ["alias.cdn"] }]));
        Assert.Equal(4, store.GetLearnedIps("a1").Count);
        Assert.Single(store.RemoveExpiredLearnedIps(T0.AddSeconds(10)));
        Assert.True(store.Remove("a1"));
        Assert.Empty(store.GetLearnedIps("a1"));
    }

    [Fact]
    public void PagingIsOrderedAndStableUnderInserts()
    {
        using var store = AttachmentStore.Open(dir.Path);
        for (int i = 0; i < 250; i++)
            store.Add(Record($"a{i:D3}", $"/c{i}", T0.AddSeconds(i / 2))); // pairs share a time: the id breaks the tie

        var seen = new List<string>();
        var token = "";
        int pages = 0;
        do
        {
            var page = store.List(100, token);
            pages++;
            seen.AddRange(page.Items.Select(a => a.Id));
            Assert.Equal(250 + (pages - 1) * 2, page.TotalCount);
            // Inserted between pages: one before the cursor and one after it.
            store.Add(Record($"early{pages}", $"/early{pages}", T0.AddSeconds(-1)));
            store.Add(Record($"late{pages}", $"/late{pages}", T0.AddDays(1).AddSeconds(pages)));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        var original = Enumerable.Range(0, 250).Select(i => $"a{i:D3}").ToList();
        Assert.Equal(original, seen.Where(id => id.StartsWith('a')));
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Contains("late1", seen);
        Assert.DoesNotContain("early1", seen);
    }

    [Fact]
    public void PageArgumentsAreValidated()
    {
        using var store = AttachmentStore.Open(dir.Path);
        for (int i = 0; i < 3; i++) store.Add(Record($"a{i}", $"/c{i}", T0));
        Assert.Equal(3, store.List().Items.Count);
        Assert.Equal("page_size", Assert.Throws<PolicyValidationException>(() => store.List(1001)).Field);
        Assert.Equal("page_size", Assert.Throws<PolicyValidationException>(() => store.List(-1)).Field);
        Assert.Equal("page_token", Assert.Throws<PolicyValidationException>(() => store.List(1, "not a token!")).Field);
        Assert.Equal("page_token", Assert.Throws<PolicyValidationException>(() => store.List(1, "bmYxCnh4CmE")).Field);
        var first = store.List(1);
        Assert.Equal(["a0"], first.Items.Select(a => a.Id));
        Assert.Equal(["a1"], store.List(1, first.NextPageToken).Items.Select(a => a.Id));
    }

    [Fact]
    public void CorruptFileIsAClearErrorAndIsLeftAlone()
    {
        Directory.CreateDirectory(dir.Path);
        var path = Path.Combine(dir.Path, AttachmentStore.FileName);
        var garbage = Enumerable.Range(0, 8192).Select(i => (byte)(i * 31)).ToArray();
        File.WriteAllBytes(path, garbage);
        var e = Assert.Throws<StoreException>(() => AttachmentStore.Open(dir.Path));
        Assert.Contains(path, e.Message);
        Assert.Contains("move it", e.Message);
        Assert.Equal(garbage, File.ReadAllBytes(path));
    }

    [Fact]
    public void DamagedPagesAreFoundAtOpen()
    {
        string path;
        using (var store = AttachmentStore.Open(dir.Path))
        {
            for (int i = 0; i < 200; i++) store.Add(Record($"a{i}", $"/c{i}", T0));
            path = store.FilePath;
        }
        using (var checkpoint = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            checkpoint.Open();
            using var command = checkpoint.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;";
            command.ExecuteNonQuery();
        }
        var bytes = File.ReadAllBytes(path);
        for (int i = 4096 * 2; i < bytes.Length - 4096; i += 7) bytes[i] ^= 0x5a;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<StoreException>(() => AttachmentStore.Open(dir.Path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void StoreFromANewerBuildIsRefused()
    {
        string path;
        using (var store = AttachmentStore.Open(dir.Path)) path = store.FilePath;
        using (var raise = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raise.Open();
            using var command = raise.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            command.ExecuteNonQuery();
        }
        var e = Assert.Throws<StoreException>(() => AttachmentStore.Open(dir.Path));
        Assert.Contains("schema version 99", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void StorePathThatIsADirectoryIsAClearError()
    {
        Directory.CreateDirectory(Path.Combine(dir.Path, AttachmentStore.FileName));
        Assert.Contains("is a directory", Assert.Throws<StoreException>(() => AttachmentStore.Open(dir.Path)).Message);
    }

    [Fact]
    public void TenThousandAttachments()
    {
        using (var store = AttachmentStore.Open(dir.Path))
        {
            var small = new RuleSet(PolicyMode.Allowlist, [new CidrRule(IPNetwork.Parse("10.0.0.0/8"), null)], [], DnsPolicy.RefuseAll);
            for (int i = 0; i < 10_000; i++) store.Add(Record($"id{i:D5}", $"/c{i}", T0.AddTicks(i), small));
        }
        using (var store = AttachmentStore.Open(dir.Path))
        {
            Assert.Equal(10_000, store.Count());
            int listed = 0;
            var token = "";
            do
            {
                var page = store.List(AttachmentStore.MaxPageSize, token);
                listed += page.Items.Count;
                token = page.NextPageToken;
            }
            while (token.Length > 0);
            Assert.Equal(10_000, listed);
            Assert.Equal("/c9999", store.Get("id09999")!.Target);
            Assert.Equal("id05000", store.FindByTarget(AttachmentType.Cgroup, "/c5000")!.Id);
        }
    }
}
