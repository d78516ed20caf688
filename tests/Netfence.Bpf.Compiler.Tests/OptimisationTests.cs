using Netfence.Bpf.Asm;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// The shapes the optimisation passes and the backend produce (compiler/README.md): each test compiles a snippet the
/// way the datapath writes it and checks the instructions clang would emit for it are what we emit. What the code
/// computes is the differential tests' business (vm-tests/Netfence.Bpf.Compiler.DiffTests).
/// </summary>
public class OptimisationTests
{
    static bool IsConditionalJump(Instruction i) =>
        OpCodes.Class(i.OpCode) is ClassJmp or ClassJmp32 && (i.OpCode & 0xf0) is not (Ja or Call or Exit);

    static bool IsMovImmediate(Instruction i, long value) =>
        i.OpCode is (ClassAlu | Mov | SrcK) or (ClassAlu64 | Mov | SrcK) && i.Constant == value;

    static bool TouchesFrame(Instruction i) =>
        (OpCodes.Class(i.OpCode) == ClassLdx && i.Src == Register.R10) || (OpCodes.Class(i.OpCode) is ClassStx or ClassSt && i.Dst == Register.R10);

    [Fact]
    public void Values_that_cross_no_call_stay_in_r0_to_r5_without_a_frame()
    {
        var code = Snippet.Program("uint a = ctx.Mark; uint b = ctx.Len; uint c = ctx.Priority; return (int)((a + b) ^ c);");
        Assert.DoesNotContain(code, i => i.Dst is >= Register.R6 and <= Register.R9 || i.Src is >= Register.R6 and <= Register.R9);
        Assert.DoesNotContain(code, TouchesFrame);
        // Three loads, two ALU operations computing in place in r0, the exit: no copies.
        Assert.Equal(6, code.Count);
    }

    [Fact]
    public void An_operation_whose_operand_dies_computes_in_that_operands_register()
    {
        // IL: ldarg, callvirt get_Mark, ldc 15, and, ldc 4, mul: each result a new temporary.
        var code = Snippet.Program("return (int)((ctx.Mark & 15) * 4);");
        var load = code.First(i => OpCodes.Class(i.OpCode) == ClassLdx);
        Assert.Contains(code, i => i.OpCode == (ClassAlu | And | SrcK) && i.Constant == 15 && i.Dst == load.Dst);
        Assert.Contains(code, i => i.OpCode == (ClassAlu | Mul | SrcK) && i.Constant == 4 && i.Dst == load.Dst);
        Assert.DoesNotContain(code, i => i.OpCode is (ClassAlu | Mov | SrcX) or (ClassAlu64 | Mov | SrcX));
    }

    [Fact]
    public void A_boolean_built_from_and_and_or_becomes_branches_without_a_materialised_value()
    {
        // a != 0 && (b == 6 || b == 17): three tests, each jumping to the outcome; no 1/0 written and tested again.
        var code = Snippet.Program("uint a = ctx.Mark; uint b = ctx.Len; bool hasPort = a != 0 && (b == 6 || b == 17); if (hasPort) return 7; return 9;");
        Assert.Equal(3, code.Count(IsConditionalJump));
        Assert.DoesNotContain(code, i => IsMovImmediate(i, 1) || IsMovImmediate(i, 0));
    }

    [Fact]
    public void A_bool_returning_method_is_branched_on_directly()
    {
        var code = Snippet.Program("return IsWeb(ctx.Len) ? 1 : 2;", members: "static bool IsWeb(uint port) => port == 80 || port == 443;");
        Assert.Equal(2, code.Count(IsConditionalJump));
        Assert.DoesNotContain(code, i => IsMovImmediate(i, 0));
    }

    [Fact]
    public void A_struct_whose_fields_are_stored_and_read_back_never_reaches_the_frame()
    {
        var code = Snippet.Program("S s = default; s.A = ctx.Mark; s.B = ctx.Len; return (int)(s.A + s.B);",
            members: "public struct S { public uint A; public uint B; public ulong C; }");
        Assert.DoesNotContain(code, TouchesFrame);
    }

    [Fact]
    public void A_struct_copied_through_a_temporary_is_copied_once()
    {
        // s = t (ldloc t; stloc s) after t was filled: s's fields read t's registers, and no frame copy remains.
        var code = Snippet.Program("S t = default; t.A = ctx.Mark; t.B = ctx.Len; S s = t; return (int)(s.A ^ s.B);",
            members: "public struct S { public uint A; public uint B; }");
        Assert.DoesNotContain(code, TouchesFrame);
    }

    [Fact]
    public void A_map_key_keeps_its_padding_zeroed_for_the_helper()
    {
        // The verifier refuses uninitialised stack bytes in a key: the zeroing of the padding (bytes 4 to 7) is read
        // by the lookup and must survive dead-store elimination, while the fields are stored over it.
        var code = Snippet.Program("K k = default; k.A = ctx.Mark; k.B = ctx.Len; return Flows.TryLookup(k, out var v) ? (int)v : 1;",
            members: "public struct K { public uint A; public ulong B; }\nstatic readonly HashMap<K, uint> Flows = new(16);");
        int call = code.ToList().FindIndex(i => i.OpCode == (ClassJmp | Call) && i.Constant == 1);
        var pointer = code.Take(call).Last(i => i.OpCode == (ClassAlu64 | Add | SrcK) && i.Dst == Register.R2);
        var covered = new HashSet<int>();
        foreach (var store in code.Take(call).Where(i => OpCodes.Class(i.OpCode) is ClassStx && i.Dst == Register.R10))
        {
            int size = (store.OpCode & 0x18) switch { SizeB => 1, SizeH => 2, SizeW => 4, _ => 8 };
            for (int b = 0; b < size; b++) covered.Add(store.Offset + b);
        }
        Assert.All(Enumerable.Range((int)pointer.Constant, 16), b => Assert.Contains(b, covered));
    }

    [Fact]
    public void A_failed_packet_read_jumps_straight_to_its_branch_target()
    {
        // if (!TryRead) return: the bounds check is the only test, and no 1/0 result is made to be tested again.
        var code = Snippet.Program("if (!ctx.TryRead(0, out EthernetHeader eth)) return 2; return eth.EtherType;");
        Assert.Equal(1, code.Count(IsConditionalJump));
        Assert.DoesNotContain(code, i => i.OpCode == (ClassAlu | Mov | SrcK) && i.Constant is 0 or 1);
    }

    const string ExpiringValue = "public struct Rule { public ulong Expires; public uint Flags; } static readonly HashMap<uint, Rule> Rules = new(16);";

    static int LoadsAt(IReadOnlyList<Instruction> code, short offset) =>
        code.Count(i => i.OpCode == (ClassLdx | ModeMem | SizeDW) && i.Offset == offset && i.Src != Register.R10);

    [Fact]
    public void A_map_value_field_read_twice_is_loaded_once()
    {
        // value.Expires == 0 || value.Expires > now: clang loads the field once and tests the register twice.
        var code = Snippet.Program(
            "uint k = ctx.Mark; ref readonly Rule v = ref Rules.Lookup(k); if (BpfMap.IsMissing(in v)) return 1; ulong now = ctx.Len; return v.Expires == 0 || v.Expires > now ? 2 : 3;",
            members: ExpiringValue);
        Assert.Equal(1, LoadsAt(code, 0));
    }

    [Fact]
    public void A_map_value_field_is_loaded_again_after_a_call_that_may_change_it()
    {
        // Another lookup (or any helper) may run code that writes the value: the read after it is a new load.
        var code = Snippet.Program(
            "uint k = ctx.Mark; ref readonly Rule v = ref Rules.Lookup(k); if (BpfMap.IsMissing(in v)) return 1; ulong first = v.Expires; " +
            "if (Bpf.KtimeGetNs() == 0) return 4; return first == v.Expires ? 2 : 3;",
            members: ExpiringValue);
        Assert.Equal(2, LoadsAt(code, 0));
    }

    [Fact]
    public void A_byte_field_copied_into_a_struct_is_read_back_from_its_register()
    {
        // destination.Protocol = ip.Protocol, then destination.Protocol tested: the byte is zero-extended in its register,
        // so the 1-byte store reads back as that register and the test needs no load from the frame.
        var code = Snippet.Program(
            "D d = default; if (!ctx.TryRead(0, out Ipv4Header ip)) return 2; d.Protocol = ip.Protocol; d.Port = 7; " +
            "if (d.Protocol != 6) return 3; return d.Protocol + d.Port;",
            members: "public struct D { public byte Protocol; public ushort Port; }");
        Assert.DoesNotContain(code, i => OpCodes.Class(i.OpCode) == ClassLdx && i.Src == Register.R10);
    }

    [Fact]
    public void A_packet_read_at_an_offset_an_inlined_argument_fixes_is_checked_at_that_constant()
    {
        // ParseNetwork(ctx, etherType, 0, ...) from the cgroup program: no 64 KiB bound on a register, the offset is an immediate.
        var code = Snippet.Program("return ReadAt(ctx, 20);",
            members: "static int ReadAt(SkBuff ctx, int offset) { if (!ctx.TryRead(offset, out byte b)) return -1; return b; }");
        Assert.DoesNotContain(code, i => i.OpCode == (ClassJmp32 | Jgt | SrcK) && i.Constant == 0xFFFF);
        Assert.Contains(code, i => i.OpCode == (ClassAlu64 | Add | SrcK) && i.Constant == 20);
        Assert.DoesNotContain(code, i => i.OpCode == (ClassAlu64 | Add | SrcX));
    }

    [Fact]
    public void A_packet_offset_out_of_the_verifiers_range_stays_a_bounded_register()
    {
        // A constant the verifier would refuse to add to a packet pointer keeps the runtime bound, which makes TryRead false.
        var code = Snippet.Program("return ReadAt(ctx, 70000);",
            members: "static int ReadAt(SkBuff ctx, int offset) { if (!ctx.TryRead(offset, out byte b)) return -1; return b; }");
        Assert.Contains(code, i => i.OpCode == (ClassJmp32 | Jgt | SrcK) && i.Constant == 0xFFFF);
    }

    [Fact]
    public void An_inlined_zero_added_to_a_value_adds_nothing()
    {
        var code = Snippet.Program("return (int)Plus(0, ctx.Len) | (int)Times(1, ctx.Mark);",
            members: "static uint Plus(uint a, uint b) => a + b; static uint Times(uint a, uint b) => a * b;");
        Assert.DoesNotContain(code, i => (i.OpCode & 0xf0) is Add or Mul && OpCodes.Class(i.OpCode) is ClassAlu or ClassAlu64);
    }

    [Fact]
    public void No_jump_lands_on_the_next_instruction_or_only_skips_a_jump()
    {
        var code = Snippet.Program("uint a = ctx.Mark; if (a == 1 || a == 5 || (a > 9 && a < 20)) return IsWeb(ctx.Len) ? 3 : 4; return 0;",
            members: "static bool IsWeb(uint port) => port == 80 || port == 443;");
        Assert.DoesNotContain(code, i => i.OpCode == (ClassJmp | Ja) && i.Offset == 0);
        for (int k = 0; k + 1 < code.Count; k++)
            Assert.False(IsConditionalJump(code[k]) && code[k].Offset == 1 && code[k + 1].OpCode == (ClassJmp | Ja), $"instruction {k} only skips the jump after it");
    }
}
