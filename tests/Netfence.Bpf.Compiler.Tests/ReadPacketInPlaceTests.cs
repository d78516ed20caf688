using Netfence.Bpf.Asm;
using Netfence.Bpf.Compiler.IR;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// <c>Passes/ReadPacketInPlace</c>: a TryRead header's fields are read through the checked packet pointer, as clang
/// reads them, and the frame copy goes, only where the copy and the packet must hold the same bytes; everywhere else
/// the copy stays. Whether the verifier takes the result is the kernel tests' business
/// (vm-tests/Netfence.Bpf.Compiler.KernelTests, the datapath's), whether it computes the same the differential tests'.
/// </summary>
public class ReadPacketInPlaceTests
{
    static bool TouchesFrame(Instruction i) =>
        (OpCodes.Class(i.OpCode) == ClassLdx && i.Src == Register.R10) || (OpCodes.Class(i.OpCode) is ClassStx or ClassSt && i.Dst == Register.R10);

    static bool IsLoad(Instruction i, byte size) => i.OpCode == (ClassLdx | ModeMem | size);

    /// <summary>The register data (ctx + 76) is loaded into by the <paramref name="nth"/> packet access, and that load's index.</summary>
    static (Register Data, int At) PacketData(IReadOnlyList<Instruction> code, int nth = 0)
    {
        var loads = code.Select((i, k) => (i, k)).Where(x => IsLoad(x.i, SizeW) && x.i.Offset == 76).ToList();
        Assert.True(loads.Count > nth, $"the program has {loads.Count} packet accesses");
        return (loads[nth].i.Dst, loads[nth].k);
    }

    static PacketAccessInstruction OnlyAccess(string body, string members = "")
    {
        var function = Assert.Single(Snippet.Lower($"public static class P {{ {members}\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) {{ {body} }} }}"));
        return Assert.Single(function.Blocks.SelectMany(b => b.Instructions).OfType<PacketAccessInstruction>());
    }

    [Fact]
    public void A_header_field_is_loaded_from_the_checked_pointer_and_the_copy_is_gone()
    {
        // clang: r2 = r4; r2 += 14; if r2 > r5 goto fail; r2 = *(u16 *)(r4 + 12)
        var code = Snippet.Program("if (!ctx.TryRead(0, out EthernetHeader eth)) return 2; return Net.Ntohs(eth.EtherType);");
        var (data, at) = PacketData(code);
        Assert.Contains(code.Skip(at), i => IsLoad(i, SizeH) && i.Src == data && i.Offset == 12);
        Assert.DoesNotContain(code, TouchesFrame);
        // The 14-byte copy was three loads from the packet (8 + 4 + 2); now the one field is the only packet read.
        Assert.Single(code, i => OpCodes.Class(i.OpCode) == ClassLdx && i.Src == data);
    }

    [Fact]
    public void The_access_becomes_a_bounds_check_defining_the_view_its_loads_read_through()
    {
        var access = OnlyAccess("if (!ctx.TryRead(0, out Ipv4Header ip)) return 2; return ip.Protocol + ip.Ttl;");
        Assert.True(access.BufferUnread);
        Assert.NotNull(access.View);
        Assert.Contains(access.View, access.Definitions);
        var function = Assert.Single(Snippet.Lower("public static class P {\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) { if (!ctx.TryRead(0, out Ipv4Header ip)) return 2; return ip.Protocol + ip.Ttl; } }"));
        var loads = function.Blocks.SelectMany(b => b.Instructions).OfType<PacketLoadInstruction>().ToList();
        Assert.Equal([8, 9], loads.Select(l => l.Offset).Order());
        Assert.Empty(function.Blocks.SelectMany(b => b.Instructions).OfType<StackLoadInstruction>());
    }

    [Fact]
    public void A_variable_offset_read_keeps_the_bounded_offset_and_loads_through_the_same_pointer()
    {
        var code = Snippet.Program("int offset = (int)(ctx.Mark & 63); if (!ctx.TryRead(offset, out Ipv4Header ip)) return 2; return (int)ip.Destination;");
        var (data, at) = PacketData(code);
        // data += offset (after the offset's 64 KiB bound), then the field at its constant offset through that register.
        int add = code.ToList().FindIndex(at, i => i.OpCode == (ClassAlu64 | Add | SrcX) && i.Dst == data);
        Assert.True(add > at);
        Assert.Contains(code.Skip(add), i => IsLoad(i, SizeW) && i.Src == data && i.Offset == 16);
        Assert.DoesNotContain(code, TouchesFrame);
    }

    [Fact]
    public void Reads_in_a_loop_body_go_through_each_iterations_check()
    {
        var code = Snippet.Program("""
            int offset = 14; ushort type = 0x8100;
            for (int i = 0; i < 2; i++)
            {
                if (type != 0x8100) break;
                if (!ctx.TryRead(offset, out VlanHeader tag)) return 2;
                type = Net.Ntohs(tag.EncapsulatedProtocol);
                offset += 4;
            }
            return type;
            """);
        var (data, at) = PacketData(code);
        Assert.Contains(code.Skip(at), i => IsLoad(i, SizeH) && i.Src == data && i.Offset == 2);
        Assert.DoesNotContain(code, TouchesFrame);
    }

    [Fact]
    public void A_sign_extended_field_is_read_in_place_and_extended()
    {
        var code = Snippet.Program("if (!ctx.TryRead(0, out sbyte b)) return 2; return b;");
        var (data, at) = PacketData(code);
        int load = code.ToList().FindIndex(at, i => IsLoad(i, SizeB) && i.Src == data);
        Assert.True(load > at);
        Assert.Contains(code.Skip(load), i => i.OpCode == (ClassAlu | Arsh | SrcK) && i.Constant == 24);
        Assert.DoesNotContain(code, TouchesFrame);
    }

    [Fact]
    public void A_field_read_after_a_helper_call_comes_from_the_copy()
    {
        // A helper may move the packet (bpf_skb_pull_data and the store and adjust helpers): the verifier forgets every
        // packet pointer's range at such a call, so what was read before it is read from the copy after it.
        var access = OnlyAccess("if (!ctx.TryRead(0, out EthernetHeader eth)) return 2; if (Bpf.GetSmpProcessorId() > 100000) return 3; return eth.EtherType;");
        Assert.False(access.BufferUnread);
        Assert.Null(access.View);
        var code = Snippet.Program("if (!ctx.TryRead(0, out EthernetHeader eth)) return 2; if (Bpf.GetSmpProcessorId() > 100000) return 3; return eth.EtherType;");
        int call = code.ToList().FindIndex(i => i.OpCode == (ClassJmp | Call));
        Assert.Contains(code.Skip(call), i => IsLoad(i, SizeH) && i.Src == Register.R10);
    }

    [Fact]
    public void A_field_read_after_the_packet_was_rewritten_comes_from_the_copy()
    {
        // .NET's TryRead returned a copy: read only after TryWrite changed the packet under it, it is still the old value.
        var access = OnlyReadAccess("if (!ctx.TryRead(12, out ushort before)) return 2; if (!ctx.TryWrite(12, (ushort)5)) return 3; return before;");
        Assert.False(access.BufferUnread);
        Assert.Null(access.View);
    }

    [Fact]
    public void A_read_whose_failure_also_reaches_the_field_keeps_the_zeroed_copy()
    {
        // No branch on the result: on failure .NET's TryRead leaves default, so the field read must see zero there.
        var access = OnlyAccess("ctx.TryRead(20, out uint word); return (int)(word & 0xFFFF);");
        Assert.False(access.BufferUnread);
        Assert.Null(access.View);
    }

    [Fact]
    public void A_copy_that_escapes_as_a_map_key_stays()
    {
        // The helper reads the key from the frame, so the copy must be there.
        var access = OnlyAccess("if (!ctx.TryRead(0, out uint k)) return 2; return Flows.TryLookup(k, out var v) ? (int)v + (int)k : 1;",
            "static readonly HashMap<uint, uint> Flows = new(16);");
        Assert.False(access.BufferUnread);
        Assert.Null(access.View);
    }

    [Fact]
    public void A_read_whose_copy_is_never_read_is_only_a_bounds_check()
    {
        var code = Snippet.Program("if (!ctx.TryRead(0, out ulong unused)) return 2; return 1;");
        var (data, _) = PacketData(code);
        Assert.DoesNotContain(code, i => OpCodes.Class(i.OpCode) == ClassLdx && i.Src == data);
        Assert.DoesNotContain(code, TouchesFrame);
    }

    static PacketAccessInstruction OnlyReadAccess(string body)
    {
        var function = Assert.Single(Snippet.Lower($"public static class P {{\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) {{ {body} }} }}"));
        return Assert.Single(function.Blocks.SelectMany(b => b.Instructions).OfType<PacketAccessInstruction>(), p => !p.IsWrite);
    }
}
