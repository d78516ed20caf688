using Netfence.Bpf.Btf;

namespace Netfence.Bpf.Tests.Btf;

public class BtfRoundTripTests
{
    /// <summary>A spec with one type of every kind, the way a compiler would emit them.</summary>
    internal static BtfSpec EveryKind()
    {
        var s = new BtfSpec();
        var u32 = s.Add(new BtfInt("unsigned int", 4, BtfIntEncoding.None, 0, 32));            // 1
        var i64 = s.Add(new BtfInt("long", 8, BtfIntEncoding.Signed, 0, 64));                  // 2
        var ptr = s.Add(new BtfPointer(u32));                                                   // 3
        var arr = s.Add(new BtfArray(u32, u32, 16));                                            // 4
        var st = s.Add(new BtfStruct("flow", 16, [new("addr", u32, 0), new("port", u32, 32), new("flags", u32, 64, 3), new("next", ptr, 128 - 64)])); // 5
        s.Add(new BtfUnion("addr_any", 16, [new("v4", u32, 0), new("v6", arr, 0)]));            // 6
        s.Add(new BtfEnum("verdict", 4, false, [new("PASS", 0), new("DROP", 2)]));              // 7
        s.Add(new BtfEnum("signed_e", 4, true, [new("NEG", -5)]));                              // 8
        s.Add(new BtfForward("later", false));                                                  // 9
        s.Add(new BtfForward("later_u", true));                                                 // 10
        var td = s.Add(new BtfTypedef("__u32", u32));                                           // 11
        s.Add(new BtfVolatile(td));                                                             // 12
        var c = s.Add(new BtfConst(td));                                                        // 13
        s.Add(new BtfRestrict(ptr));                                                            // 14
        var proto = s.Add(new BtfFuncProto(i64, [new("skb", ptr), new("len", c)]));             // 15
        var fn = s.Add(new BtfFunc("classify", proto, BtfLinkage.Global));                      // 16
        var v = s.Add(new BtfVar("verdict_const", c, BtfLinkage.Global));                       // 17
        s.Add(new BtfDatasec(".rodata", 4, [new(v, 0, 4)]));                                    // 18
        s.Add(new BtfFloat("double", 8));                                                       // 19
        s.Add(new BtfDeclTag("netfence", fn, -1));                                              // 20
        s.Add(new BtfDeclTag("param", fn, 1));                                                  // 21
        s.Add(new BtfTypeTag("user", u32));                                                     // 22
        s.Add(new BtfEnum64("big", 8, false, [new("HUGE", unchecked((long)0xfedcba9876543210)), new("ONE", 1)])); // 23
        Assert.Equal(5u, st);
        return s;
    }

    [Fact]
    public void Every_kind_survives_write_then_read()
    {
        var spec = EveryKind();
        var bytes = BtfWriter.Write(spec);
        var read = BtfReader.Read(bytes);

        Assert.Equal(spec.Types.Count, read.Types.Count);
        for (uint id = 1; id <= spec.Types.Count; id++)
        {
            Assert.Equal(spec[id].Kind, read[id].Kind);
            Assert.Equal(spec[id].Name, read[id].Name);
        }
        var flow = Assert.IsType<BtfStruct>(read[5]);
        Assert.Equal(new BtfMember("flags", 1, 64, 3), flow.Members[2]);
        Assert.Equal(-5, Assert.IsType<BtfEnum>(read[8]).Values[0].Value);
        Assert.True(Assert.IsType<BtfForward>(read[10]).IsUnion);
        Assert.Equal(unchecked((long)0xfedcba9876543210), Assert.IsType<BtfEnum64>(read[23]).Values[0].Value);
        Assert.Equal(1, Assert.IsType<BtfDeclTag>(read[21]).ComponentIndex);
        Assert.Equal(BtfLinkage.Global, Assert.IsType<BtfFunc>(read[16]).Linkage);
        Assert.Equal(new BtfVarSecInfo(17, 0, 4), Assert.IsType<BtfDatasec>(read[18]).Variables[0]);

        // Writing what was read gives the same bytes: nothing is lost or reordered.
        Assert.Equal(bytes, BtfWriter.Write(read));
    }

    [Fact]
    public void Strings_are_interned_once()
    {
        var s = new BtfSpec();
        s.Add(new BtfInt("int", 4, BtfIntEncoding.Signed, 0, 32));
        s.Add(new BtfTypedef("int", 1));
        var bytes = BtfWriter.Write(s);
        // "\0int\0": one copy of the name.
        Assert.Equal(5, BitConverter.ToInt32(bytes, 20));
    }

    [Fact]
    public void Sizes_follow_typedefs_qualifiers_and_arrays()
    {
        var s = EveryKind();
        Assert.Equal(4u, s.SizeOf(13));        // const __u32
        Assert.Equal(64u, s.SizeOf(4));        // u32[16]
        Assert.Equal(8u, s.SizeOf(3));         // pointer
        Assert.Equal(1u, s.SkipQualifiers(12)); // volatile __u32 -> unsigned int
    }

    [Fact]
    public void Every_truncation_gives_a_format_error_naming_an_offset()
    {
        var bytes = BtfWriter.Write(EveryKind());
        for (int len = 0; len < bytes.Length; len++)
        {
            var ex = Assert.Throws<BtfFormatException>(() => BtfReader.Read(bytes[..len]));
            Assert.Contains("byte offset", ex.Message);
        }
    }

    [Fact]
    public void Corrupted_bytes_never_escape_as_anything_but_a_format_error()
    {
        var bytes = BtfWriter.Write(EveryKind());
        var random = new Random(1234);
        for (int round = 0; round < 2000; round++)
        {
            var copy = (byte[])bytes.Clone();
            for (int k = 0; k < 3; k++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
            try
            {
                BtfReader.Read(copy);
            }
            catch (BtfFormatException)
            {
            }
        }
    }

    [Fact]
    public void Bad_magic_and_unknown_kind_are_named()
    {
        var bytes = BtfWriter.Write(EveryKind());
        var badMagic = (byte[])bytes.Clone();
        badMagic[0] = 0;
        Assert.Contains("bad magic", Assert.Throws<BtfFormatException>(() => BtfReader.Read(badMagic)).Message);

        var badKind = (byte[])bytes.Clone();
        badKind[24 + 7] = 0x1f; // first type's info: kind 31
        var ex = Assert.Throws<BtfFormatException>(() => BtfReader.Read(badKind));
        Assert.Contains("unknown BTF kind 31", ex.Message);
        Assert.Equal(24, ex.Offset);
    }

    [Fact]
    public void Writer_rejects_values_the_format_cannot_hold()
    {
        var s = new BtfSpec();
        s.Add(new BtfEnum("e", 4, false, [new("TOO_BIG", 1L << 40)]));
        Assert.Contains("needs ENUM64", Assert.Throws<ArgumentException>(() => BtfWriter.Write(s)).Message);
    }
}
