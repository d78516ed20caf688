using Netfence.Daemon.Targets;
using Netfence.Daemon.Targets.Cgroups;

namespace Netfence.Daemon.Tests.Targets;

public class CgroupParentsTests
{
    static readonly WatchedTarget.Cgroup A = new(100, "/cg/pods/a");
    static readonly WatchedTarget.Cgroup B = new(101, "/cg/pods/b");
    static readonly WatchedTarget.Cgroup C = new(102, "/cg/other/c");

    [Fact]
    public void Siblings_share_their_parent_watch_and_the_last_one_out_frees_it()
    {
        var parents = new CgroupParents();
        parents.Add(1, A);
        parents.Add(1, B);
        parents.Add(2, C);
        Assert.Equal(2, parents.WatchCount);

        Assert.True(parents.Remove(A, out int watch, out bool unused));
        Assert.Equal((1, false), (watch, unused));
        Assert.True(parents.Remove(B, out watch, out unused));
        Assert.Equal((1, true), (watch, unused));
        Assert.False(parents.Remove(B, out _, out _));
        Assert.Equal(1, parents.WatchCount);
    }

    [Fact]
    public void A_delete_event_finds_the_targets_by_watch_and_name()
    {
        var parents = new CgroupParents();
        var recreated = A with { Id = 200 };
        parents.Add(1, A);
        parents.Add(1, recreated);
        parents.Add(1, B);

        Assert.Equal([A, recreated], parents.Named(1, "a"));
        Assert.Empty(parents.Named(1, "c"));
        Assert.Empty(parents.Named(2, "a"));
    }

    [Fact]
    public void A_dropped_watch_hands_back_all_its_targets_and_forgets_them()
    {
        var parents = new CgroupParents();
        parents.Add(1, A);
        parents.Add(1, B);
        parents.Add(2, C);

        Assert.Equal([A, B], parents.TakeWatch(1).OrderBy(t => t.Id));
        Assert.False(parents.Contains(A));
        Assert.Equal([C], parents.All());
    }
}
