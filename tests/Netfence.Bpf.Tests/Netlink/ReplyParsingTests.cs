using Netfence.Bpf.Netlink;
using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Tests.Netlink;

public class ReplyParsingTests
{
    static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Fact]
    public void A_plain_ack_has_no_errno()
    {
        var message = Assert.Single(NetlinkMessage.ParseAll(Hex(
            "24000000 0200 0001 07000000 00000000" + // NLMSG_ERROR, flags CAPPED
            "00000000" + "10000000 2400 0506 07000000 00000000")));

        Assert.Equal(NetlinkMessageType.Error, message.Type);
        Assert.Equal((Errno.None, (string?)null), message.ParseError());
    }

    [Fact]
    public void A_capped_error_yields_the_errno_and_the_extended_ack_text()
    {
        var message = Assert.Single(NetlinkMessage.ParseAll(Hex(
            "40000000 0200 0003 07000000 00000000" + // NLMSG_ERROR, flags CAPPED|ACK_TLVS
            "eaffffff" +                             // -22
            "30000000 2c00 0506 07000000 00000000" + // the request's header only
            "1100 0100 496e76616c696420686e646c00 000000" + // NLMSGERR_ATTR_MSG "Invalid hndl"
            "0800 0200 24000000")));                 // NLMSGERR_ATTR_OFFS

        Assert.Equal((Errno.EINVAL, "Invalid hndl"), message.ParseError());
    }

    [Fact]
    public void An_uncapped_error_skips_the_echoed_request_before_the_extended_ack()
    {
        var message = Assert.Single(NetlinkMessage.ParseAll(Hex(
            "3c000000 0200 0002 05000000 00000000" + // flags ACK_TLVS only: the request is echoed
            "efffffff" +                             // -17
            "14000000 2400 0506 05000000 00000000 0b000100" + // echoed request: 20 bytes
            "1200 0100 457863686e67652066756c6c2100 0000")));  // "Exchnge full!"

        Assert.Equal((Errno.EEXIST, "Exchnge full!"), message.ParseError());
    }

    [Fact]
    public void The_exception_names_operation_errno_and_kernel_text()
    {
        var e = new NetlinkException("RTM_NEWTFILTER", Errno.EINVAL, "Invalid handle",
            NetlinkException.HintFor(NetlinkMessageType.NewTfilter, Errno.EINVAL));

        Assert.StartsWith("RTM_NEWTFILTER failed: EINVAL (Invalid argument) [Invalid handle]: ", e.Message);
        Assert.Equal("Invalid handle", e.ExtendedAck);
        Assert.Equal(Errno.EINVAL, e.Errno);
    }

    [Fact]
    public void A_dump_datagram_splits_into_aligned_messages_and_their_attributes()
    {
        var messages = NetlinkMessage.ParseAll(Hex(
            // RTM_NEWQDISC, MULTI: tcmsg + TCA_KIND "clsact"
            "30000000 2400 0200 03000000 99000000" +
            "00000000 05000000 0000ffff f1ffffff 01000000" +
            "0b00 0100 636c7361637400 00" +
            // NLMSG_DONE with error 0
            "14000000 0300 0200 03000000 99000000 00000000"));

        Assert.Equal(2, messages.Count);
        Assert.Equal(NetlinkMessageType.NewQdisc, messages[0].Type);
        Assert.True(messages[0].Flags.HasFlag(NetlinkFlags.Multi));
        var tc = TrafficControlMessage.Read(messages[0].Payload.Span);
        Assert.Equal(5, tc.InterfaceIndex);
        Assert.Equal(TrafficControl.ClsactParent, tc.Parent);
        var attributes = NetlinkAttribute.Parse(messages[0].Payload[TrafficControlMessage.Size..]);
        Assert.Equal("clsact", attributes.Find(TrafficControl.AttributeKind)?.AsString());
        Assert.Equal(NetlinkMessageType.Done, messages[1].Type);
        Assert.Equal(Errno.None, messages[1].ParseError().Errno);
    }

    [Fact]
    public void Nested_attribute_flags_are_masked_off_the_type()
    {
        var attributes = NetlinkAttribute.Parse(Hex("0c00 0280 0800 0b00 2a000000"));
        var options = Assert.Single(attributes);
        Assert.Equal(2, options.Type);
        Assert.Equal(42u, options.Nested().Find(11)?.AsU32());
    }

    [Fact]
    public void A_truncated_message_is_a_format_error_naming_the_offset()
    {
        var e = Assert.Throws<FormatException>(() => NetlinkMessage.ParseAll(Hex("40000000 0200 0000 01000000 00000000")));
        Assert.Contains("offset 0", e.Message);
        Assert.Throws<FormatException>(() => NetlinkAttribute.Parse(Hex("2000 0100 00000000")));
    }
}
