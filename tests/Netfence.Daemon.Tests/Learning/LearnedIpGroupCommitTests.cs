using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Netfence.Daemon.Attachments;
using Netfence.Daemon.Store;
using Netfence.Daemon.Tests.Store;
using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Tests.Learning;

public sealed class LearnedIpGroupCommitTests
{
    static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    static LearnedIpChange Learn(string id, string address) => LearnedIpChange.Learn(id, [new LearnedIp(IPAddress.Parse(address), "example.com", T0)]);

    /// <summary>A store that counts its transactions (each one fsync) and can hold the one under way.</summary>
    sealed class CountingStore : ILearnedIpStore
    {
        readonly Lock _lock = new();
        readonly List<IReadOnlyList<LearnedIpChange>> _commits = [];
        public ManualResetEventSlim Open { get; } = new(true);
        public TaskCompletionSource FirstCommitStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Func<LearnedIpChange, bool> Fails { get; init; } = _ => false;
        public HashSet<string> Stored { get; init; } = ["a1", "a2"];

        public IReadOnlyList<IReadOnlyList<LearnedIpChange>> Commits
        {
            get { lock (_lock) return [.. _commits]; }
        }

        public bool[] CommitLearnedIps(IReadOnlyList<LearnedIpChange> changes)
        {
            FirstCommitStarted.TrySetResult();
            if (!Open.Wait(Patience)) throw new TimeoutException("the test never let the commit finish");
            if (changes.Any(Fails)) throw new StoreException("the disk said no");
            lock (_lock) _commits.Add([.. changes]);
            return [.. changes.Select(c => c.Upsert is null || Stored.Contains(c.AttachmentId))];
        }
    }

    [Fact]
    public async Task A_lone_change_is_committed_at_once_in_its_own_transaction()
    {
        var store = new CountingStore();
        var commit = new LearnedIpGroupCommit(store, NullLogger.Instance);

        Assert.True(await commit.SubmitAsync(Learn("a1", "192.0.2.1")).WaitAsync(Patience));

        Assert.Single(store.Commits);
        Assert.False(commit.IsPending("a1", IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public async Task Changes_arriving_during_a_commit_share_the_next_one_and_each_waits_for_its_own()
    {
        var store = new CountingStore();
        var commit = new LearnedIpGroupCommit(store, NullLogger.Instance);
        store.Open.Reset();

        var first = commit.SubmitAsync(Learn("a1", "192.0.2.1"));
        await store.FirstCommitStarted.Task.WaitAsync(Patience);
        var queued = Enumerable.Range(2, 20).Select(i => commit.SubmitAsync(Learn(i % 2 == 0 ? "a1" : "a2", $"192.0.2.{i}"))).ToList();

        // Nothing is released before its transaction is durable; what is queued counts as learned meanwhile.
        Assert.False(first.IsCompleted);
        Assert.All(queued, t => Assert.False(t.IsCompleted));
        Assert.True(commit.IsPending("a1", IPAddress.Parse("192.0.2.2")));
        Assert.True(commit.IsPending("a2", IPAddress.Parse("192.0.2.3")));

        store.Open.Set();
        Assert.True(await first.WaitAsync(Patience));
        Assert.All(await Task.WhenAll(queued).WaitAsync(Patience), Assert.True);

        // 21 answers, two transactions (fsyncs): the first alone, the 20 that waited for it together.
        Assert.Equal([1, 20], store.Commits.Select(c => c.Count));
        Assert.False(commit.IsPending("a1", IPAddress.Parse("192.0.2.2")));
    }

    [Fact]
    public async Task Changes_are_applied_in_submission_order_so_a_later_revocation_wins()
    {
        var store = new CountingStore();
        var commit = new LearnedIpGroupCommit(store, NullLogger.Instance);
        store.Open.Reset();

        var blocker = commit.SubmitAsync(Learn("a2", "198.51.100.1"));
        await store.FirstCommitStarted.Task.WaitAsync(Patience);
        var learn = commit.SubmitAsync(Learn("a1", "192.0.2.7"));
        var forget = commit.SubmitAsync(LearnedIpChange.Forget("a1", [IPAddress.Parse("192.0.2.7")]));
        var relearn = commit.SubmitAsync(Learn("a1", "192.0.2.8"));
        store.Open.Set();
        await Task.WhenAll(blocker, learn, forget, relearn).WaitAsync(Patience);

        var second = store.Commits[1];
        Assert.Equal(3, second.Count);
        Assert.NotNull(second[0].Upsert);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), Assert.Single(second[1].Remove!));
        Assert.Equal(IPAddress.Parse("192.0.2.8"), Assert.Single(second[2].Upsert!).Address);
    }

    [Fact]
    public async Task A_failing_change_fails_only_its_own_answer()
    {
        var store = new CountingStore { Fails = c => c.AttachmentId == "bad" };
        var commit = new LearnedIpGroupCommit(store, NullLogger.Instance);
        store.Open.Reset();

        var blocker = commit.SubmitAsync(Learn("a1", "192.0.2.1"));
        await store.FirstCommitStarted.Task.WaitAsync(Patience);
        var good = commit.SubmitAsync(Learn("a1", "192.0.2.2"));
        var bad = commit.SubmitAsync(Learn("bad", "192.0.2.3"));
        var gone = commit.SubmitAsync(Learn("not-stored", "192.0.2.4"));
        store.Open.Set();

        Assert.True(await good.WaitAsync(Patience));
        Assert.False(await gone.WaitAsync(Patience));
        var error = await Assert.ThrowsAsync<StoreException>(() => bad.WaitAsync(Patience));
        Assert.Contains("the disk said no", error.Message);
        Assert.True(await blocker);
        Assert.False(commit.IsPending("bad", IPAddress.Parse("192.0.2.3")));
    }

    [Fact]
    public void The_store_applies_a_group_in_order_in_one_transaction()
    {
        using var dir = new TempDirectory();
        using var store = AttachmentStore.Open(dir.Path);
        store.Add(new AttachmentRecord("a1", AttachmentType.Cgroup, "/x", AttachmentMetadata.Parse("vm_id=a1"), T0, "127.0.0.1:10000", "v1",
            new RuleSet(PolicyMode.Allowlist, [], [], new DnsPolicy(DnsMode.Allowlist, [], [], []))));
        var kept = IPAddress.Parse("192.0.2.2");

        var applied = store.CommitLearnedIps([
            Learn("a1", "192.0.2.1"),
            LearnedIpChange.Learn("a1", [new LearnedIp(kept, "example.com", T0)]),
            LearnedIpChange.Forget("a1", [IPAddress.Parse("192.0.2.1")]),
            Learn("missing", "192.0.2.3"),
        ]);

        Assert.Equal([true, true, true, false], applied);
        Assert.Equal(kept, Assert.Single(store.GetLearnedIps("a1")).Address);
        Assert.Empty(store.GetLearnedIps("missing"));
    }
}
