using Netfence.Daemon.Targets.Cgroups;

namespace Netfence.Daemon.Tests.Targets;

public class InotifyEventTests
{
    static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Fact]
    public void A_read_splits_into_events_with_their_names_unpadded()
    {
        var events = InotifyEvent.ParseAll(Hex(
            "02000000 00020040 00000000 10000000" + "6e66743132333400 0000000000000000" + // wd 2, IN_DELETE|IN_ISDIR, "nft1234"
            "ffffffff 00400000 00000000 00000000" +                                       // wd -1, IN_Q_OVERFLOW, no name
            "05000000 00800000 00000000 00000000"));                                      // wd 5, IN_IGNORED

        Assert.Equal(
            [
                new InotifyEvent(2, InotifyMask.Delete | InotifyMask.IsDirectory, 0, "nft1234"),
                new InotifyEvent(-1, InotifyMask.QueueOverflow, 0, null),
                new InotifyEvent(5, InotifyMask.Ignored, 0, null),
            ],
            events);
    }

    [Fact]
    public void A_name_that_fills_its_padding_exactly_has_no_terminator_to_strip()
    {
        var e = Assert.Single(InotifyEvent.ParseAll(Hex("01000000 00020000 00000000 04000000 61626364")));
        Assert.Equal("abcd", e.Name);
    }

    [Fact]
    public void A_record_that_runs_past_the_read_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => InotifyEvent.ParseAll(Hex("01000000 00020000 00000000 20000000 61626364")));
        Assert.Throws<FormatException>(() => InotifyEvent.ParseAll(Hex("01000000 00020000")));
    }
}
