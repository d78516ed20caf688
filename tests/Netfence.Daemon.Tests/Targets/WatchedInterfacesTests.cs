using Netfence.Daemon.Targets;
using Netfence.Daemon.Targets.Interfaces;

namespace Netfence.Daemon.Tests.Targets;

public class WatchedInterfacesTests
{
    static readonly WatchedTarget.Interface Tap = new(7, "tap7");
    static readonly WatchedTarget.Interface Veth = new(9, "veth9");

    [Fact]
    public void A_removed_ifindex_is_taken_once_and_a_later_device_with_it_revives_nothing()
    {
        var watched = new WatchedInterfaces();
        Assert.True(watched.Add(Tap));
        Assert.True(watched.Add(Veth));

        Assert.Equal([Tap], watched.Take(7));
        Assert.Empty(watched.Take(7));
        Assert.Equal(1, watched.Count);
    }

    [Fact]
    public void Watching_twice_is_watching_once_and_unwatching_forgets()
    {
        var watched = new WatchedInterfaces();
        Assert.True(watched.Add(Tap));
        Assert.False(watched.Add(Tap with { }));

        Assert.True(watched.Remove(Tap));
        Assert.False(watched.Remove(Tap));
        Assert.Empty(watched.Take(7));
        Assert.Equal(0, watched.Count);
    }

    [Fact]
    public void Every_name_watched_on_an_ifindex_is_reported_when_it_goes()
    {
        var watched = new WatchedInterfaces();
        var renamed = new WatchedTarget.Interface(7, "vm-tap");
        watched.Add(Tap);
        watched.Add(renamed);

        Assert.Equal([Tap, renamed], watched.Take(7));
    }

    [Fact]
    public void A_resync_takes_exactly_the_ifindexes_the_dump_no_longer_lists()
    {
        var watched = new WatchedInterfaces();
        watched.Add(Tap);
        watched.Add(Veth);

        Assert.Equal([Veth], watched.TakeAbsent(new HashSet<int> { 1, 7 }));
        Assert.Empty(watched.TakeAbsent(new HashSet<int> { 1, 7 }));
        Assert.Equal([Tap], watched.TakeAbsent(new HashSet<int>()));
    }
}
