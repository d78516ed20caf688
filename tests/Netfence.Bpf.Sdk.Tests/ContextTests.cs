using System.Buffers.Binary;
using System.Reflection;

namespace Netfence.Bpf.Sdk.Tests;

public sealed class ContextTests
{
    // Offsets from docs/kernel-abi.md, typed in independently of the SDK.
    public static TheoryData<string, int, bool> SkBuffFields => new()
    {
        { "Len", 0, false }, { "PktType", 4, false }, { "Mark", 8, true }, { "QueueMapping", 12, true },
        { "Protocol", 16, false }, { "VlanPresent", 20, false }, { "VlanTci", 24, false }, { "VlanProto", 28, false },
        { "Priority", 32, true }, { "IngressIfindex", 36, false }, { "Ifindex", 40, false }, { "TcIndex", 44, true },
        { "Cb", 48, true }, { "SetCb", 48, true }, { "Hash", 68, false }, { "TcClassid", 72, true }, { "NapiId", 84, false },
        { "Family", 88, false }, { "RemoteIp4", 92, false }, { "LocalIp4", 96, false }, { "RemoteIp6", 100, false },
        { "LocalIp6", 116, false }, { "RemotePort", 132, false }, { "LocalPort", 136, false },
    };

    public static TheoryData<string, int, bool> SockAddrFields => new()
    {
        { "UserFamily", 0, false }, { "UserIp4", 4, true }, { "UserIp6", 8, true }, { "SetUserIp6", 8, true },
        { "UserPort", 24, true }, { "Family", 28, false }, { "Type", 32, false }, { "Protocol", 36, false },
        { "MsgSrcIp4", 40, true }, { "MsgSrcIp6", 44, true }, { "SetMsgSrcIp6", 44, true },
    };

    [Theory]
    [MemberData(nameof(SkBuffFields))]
    public void SkBuff_fields_carry_the_kernel_offsets(string name, int offset, bool writable) =>
        AssertField(typeof(SkBuff), name, offset, writable);

    [Theory]
    [MemberData(nameof(SockAddrFields))]
    public void SockAddr_fields_carry_the_kernel_offsets(string name, int offset, bool writable) =>
        AssertField(typeof(SockAddr), name, offset, writable);

    [Fact]
    public void Context_layouts_carry_sizes_and_packet_pointer_offsets()
    {
        var skb = typeof(SkBuff).GetCustomAttribute<ContextLayoutAttribute>()!;
        Assert.Equal(("__sk_buff", 192, 76, 80), (skb.StructName, skb.Size, skb.DataOffset, skb.DataEndOffset));
        var sock = typeof(SockAddr).GetCustomAttribute<ContextLayoutAttribute>()!;
        Assert.Equal(("bpf_sock_addr", 72, -1, -1), (sock.StructName, sock.Size, sock.DataOffset, sock.DataEndOffset));
    }

    [Fact]
    public void Only_writable_fields_have_setters_and_they_take_uint()
    {
        foreach (var type in new[] { typeof(SkBuff), typeof(SockAddr) })
        {
            foreach (var property in type.GetProperties().Where(p => p.GetCustomAttribute<ContextFieldAttribute>() is not null))
            {
                var field = property.GetCustomAttribute<ContextFieldAttribute>()!;
                Assert.Equal(field.Writable, property.SetMethod is not null);
                Assert.Equal(typeof(uint), property.PropertyType);
            }
        }
    }

    [Fact]
    public void Properties_read_and_write_the_context_image_at_their_offsets()
    {
        var image = new byte[SkBuff.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(40), 7);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(100 + 8), 0xAABBCCDD);
        var ctx = new SkBuff([], image);
        Assert.Equal(7u, ctx.Ifindex);
        Assert.Equal(0xAABBCCDDu, ctx.RemoteIp6(2));
        ctx.Mark = 0x1234;
        ctx.SetCb(4, 9);
        Assert.Equal(0x1234u, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(8)));
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(48 + 16)));

        var sockImage = new byte[SockAddr.Size];
        var sock = new SockAddr(sockImage);
        sock.UserPort = Net.Htons(8080);
        sock.SetUserIp6(3, 1);
        Assert.Equal(new byte[] { 0x1F, 0x90, 0, 0 }, sockImage[24..28]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(sockImage.AsSpan(8 + 12)));
    }

    [Fact]
    public void Packet_constructor_sets_len()
    {
        var ctx = new SkBuff(new byte[60]);
        Assert.Equal(60u, ctx.Len);
    }

    [Fact]
    public void TryRead_fails_one_byte_past_the_end_and_succeeds_exactly_at_it()
    {
        var packet = new byte[14];
        packet[12] = 0x08;
        var ctx = new SkBuff(packet);
        Assert.True(ctx.TryRead(0, out EthernetHeader eth));
        Assert.Equal(EtherType.Ipv4, Net.Ntohs(eth.EtherType));
        Assert.True(ctx.TryRead(12, out ushort _));
        Assert.False(ctx.TryRead(13, out ushort tooFar));
        Assert.Equal(0, tooFar);
        Assert.False(ctx.TryRead(1, out EthernetHeader _));
        Assert.False(ctx.TryRead(-1, out byte _));
    }

    [Fact]
    public void TryWrite_writes_in_bounds_only()
    {
        var packet = new byte[4];
        var ctx = new SkBuff(packet);
        Assert.True(ctx.TryWrite(0, Net.Htonl(0x01020304)));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, packet);
        Assert.False(ctx.TryWrite(1, 0u));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, packet);
    }

    [Fact]
    public void Header_structs_have_wire_sizes()
    {
        Assert.Equal(14, System.Runtime.CompilerServices.Unsafe.SizeOf<EthernetHeader>());
        Assert.Equal(4, System.Runtime.CompilerServices.Unsafe.SizeOf<VlanHeader>());
        Assert.Equal(20, System.Runtime.CompilerServices.Unsafe.SizeOf<Ipv4Header>());
        Assert.Equal(40, System.Runtime.CompilerServices.Unsafe.SizeOf<Ipv6Header>());
        Assert.Equal(20, System.Runtime.CompilerServices.Unsafe.SizeOf<TcpHeader>());
        Assert.Equal(8, System.Runtime.CompilerServices.Unsafe.SizeOf<UdpHeader>());
    }

    private static void AssertField(Type type, string name, int offset, bool writable)
    {
        var member = (MemberInfo?)type.GetProperty(name) ?? type.GetMethod(name);
        Assert.NotNull(member);
        var field = member!.GetCustomAttribute<ContextFieldAttribute>();
        Assert.NotNull(field);
        Assert.Equal(offset, field!.Offset);
        Assert.Equal(4, field.Size);
        Assert.Equal(writable, field.Writable);
    }
}
