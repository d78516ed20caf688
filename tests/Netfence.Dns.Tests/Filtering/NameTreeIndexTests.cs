using Netfence.Dns.Filtering;

namespace Netfence.Dns.Tests.Filtering;

public class NameTreeIndexTests
{
    [Fact]
    public void A_name_finds_the_items_of_itself_and_the_names_below_it_only()
    {
        var index = new NameTreeIndex<string>();
        index.Add("edge", ["cdn.example.com", "edge.tracker.net"]);
        index.Add("apex", ["tracker.net"]);
        index.Add("sibling", ["x.tracker-x.net", "xtracker.net", "a.btracker.net"]);
        Assert.Equal(["apex", "edge"], index.AtOrBelow("tracker.net").Order());
        Assert.Equal(["edge"], index.AtOrBelow("edge.tracker.net"));
        Assert.Equal(["apex", "edge", "sibling"], index.AtOrBelow("net").Order());
        Assert.Empty(index.AtOrBelow("racker.net"));
        Assert.Empty(index.AtOrBelow("below.edge.tracker.net"));

        index.Remove("edge", ["cdn.example.com", "edge.tracker.net"]);
        Assert.Equal(["apex"], index.AtOrBelow("tracker.net"));
        Assert.Empty(index.AtOrBelow("com"));
    }

    [Fact]
    public void Items_sharing_a_name_are_found_and_removed_one_by_one()
    {
        var index = new NameTreeIndex<int>();
        index.Add(1, ["a.example.com"]);
        index.Add(2, ["a.example.com"]);
        Assert.Equal([1, 2], index.AtOrBelow("example.com").Order());
        index.Remove(1, ["a.example.com"]);
        Assert.Equal([2], index.AtOrBelow("a.example.com"));
        index.Remove(2, ["a.example.com"]);
        Assert.Empty(index.AtOrBelow("example.com"));
    }
}
