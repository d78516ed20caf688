using Netfence.Bpf.Asm;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Tests;

public class CodegenTests
{
    static bool Has(IReadOnlyList<Instruction> code, Func<Instruction, bool> predicate) => code.Any(predicate);

    static int IndexOf(IReadOnlyList<Instruction> code, Func<Instruction, bool> predicate, int from = 0)
    {
        for (int k = from; k < code.Count; k++)
            if (predicate(code[k])) return k;
        return -1;
    }

    [Fact]
    public void A_context_property_is_one_load_at_its_offset_from_the_context_pointer()
    {
        var code = Program("return (int)ctx.Mark;");
        // With no call to survive, the context stays in r1, where it arrived, and the result goes straight to r0.
        Assert.Equal([(ClassLdx | ModeMem | SizeW, Register.R0, Register.R1, (short)8), (ClassJmp | Exit, Register.R0, Register.R0, (short)0)],
            code.Select(i => ((int)i.OpCode, i.Dst, i.Src, i.Offset)));
    }

    [Fact]
    public void A_context_store_is_a_4_byte_STX()
    {
        var code = Program("ctx.Mark = 7; return 0;");
        Assert.Contains(code, i => i.OpCode == (ClassStx | ModeMem | SizeW) && i.Offset == 8);
    }

    [Fact]
    public void TryRead_loads_data_and_data_end_and_compares_the_end_of_the_read_on_a_copy_of_the_pointer()
    {
        var code = Program("return ctx.TryRead(0, out EthernetHeader eth) ? eth.EtherType : 0;");
        int data = IndexOf(code, i => i.OpCode == (ClassLdx | ModeMem | SizeW) && i.Offset == 76);
        Assert.True(data >= 0);
        var end = code[data + 1];
        Assert.Equal(80, end.Offset);
        Assert.Equal(ClassAlu64 | Mov | SrcX, code[data + 2].OpCode);
        Assert.Equal((code[data + 2].Dst, code[data].Dst), (code[data + 3].Dst, code[data + 2].Src));
        Assert.Equal(ClassAlu64 | Add | SrcK, code[data + 3].OpCode);
        Assert.Equal(14, code[data + 3].Constant);
        var check = code[data + 4];
        // end > data_end jumps to the failure side, or, with the failure side laid out next, end <= data_end jumps to
        // the success side: the verifier gives the checked pointer its range on the proven side of either.
        Assert.Contains(check.OpCode, new[] { (byte)(ClassJmp | Jgt | SrcX), (byte)(ClassJmp | Jle | SrcX) });
        Assert.Equal((code[data + 2].Dst, end.Dst), (check.Dst, check.Src));
        // The reads go through the checked pointer, after the check.
        Assert.Contains(code.Skip(data + 5), i => OpCodes.Class(i.OpCode) == ClassLdx && i.Src == code[data].Dst);
    }

    [Fact]
    public void A_map_lookup_passes_the_relocated_map_and_a_stack_key_and_checks_r0_for_null()
    {
        var code = Program("uint k = ctx.Mark; return Flows.TryLookup(k, out var v) ? (int)v : 1;",
            members: "static readonly HashMap<uint, uint> Flows = new(16);");
        int map = IndexOf(code, i => i.OpCode == LdImm64 && i.Reference == "Flows");
        Assert.True(map >= 0);
        Assert.Equal(Register.R1, code[map].Dst);
        Assert.Equal(ClassJmp | Call, code[map + 1].OpCode);
        Assert.Equal(1, code[map + 1].Constant);
        Assert.Equal(ClassJmp | Jeq | SrcK, code[map + 2].OpCode);
        Assert.Equal((Register.R0, 0L), (code[map + 2].Dst, code[map + 2].Constant));
        // r2 points into the frame.
        Assert.Contains(code.Take(map), i => i.OpCode == (ClassAlu64 | Mov | SrcX) && i.Dst == Register.R2 && i.Src == Register.R10);
    }

    [Fact]
    public void Increment_adds_atomically_through_the_value_pointer()
    {
        var code = Program("C.Increment(1); return 0;", members: "static readonly PerCpuArrayMap<ulong> C = new(4);");
        Assert.Contains(code, i => i.OpCode == (ClassStx | ModeAtomic | SizeDW) && i.Dst == Register.R0 && i.Constant == Add);
    }

    [Fact]
    public void Widening_an_int_sign_extends_with_shifts_not_movsx()
    {
        var code = Program("long x = (int)ctx.Mark; return (int)(x >> 40);");
        int lsh = IndexOf(code, i => i.OpCode == (ClassAlu64 | Lsh | SrcK) && i.Constant == 32);
        Assert.True(lsh >= 0);
        Assert.Equal(ClassAlu64 | Arsh | SrcK, code[lsh + 1].OpCode);
        Assert.Equal(32, code[lsh + 1].Constant);
        Assert.DoesNotContain(code, i => OpCodes.Class(i.OpCode) is ClassAlu or ClassAlu64 && i.Offset != 0);
    }

    [Fact]
    public void A_variable_shift_count_is_masked_as_CSharp_masks_it()
    {
        var code = Program("int a = (int)ctx.Mark; int b = (int)ctx.Priority; return a << b;");
        Assert.Contains(code, i => i.OpCode == (ClassAlu | And | SrcK) && i.Constant == 31);
        var code64 = Program("long a = ctx.Mark; int b = (int)ctx.Priority; return (int)(a >> b);");
        Assert.Contains(code64, i => i.OpCode == (ClassAlu | And | SrcK) && i.Constant == 63);
    }

    [Fact]
    public void Int_arithmetic_is_ALU32_and_long_arithmetic_ALU64()
    {
        var code = Program("int a = (int)ctx.Mark; return a * 3;");
        Assert.Contains(code, i => i.OpCode == (ClassAlu | Mul | SrcK) && i.Constant == 3);
        var code64 = Program("long a = ctx.Mark; return (int)(a * 3);");
        Assert.Contains(code64, i => i.OpCode == (ClassAlu64 | Mul | SrcK) && i.Constant == 3);
    }

    [Fact]
    public void Unsigned_and_signed_comparisons_use_their_own_jumps()
    {
        var signed = Program("int a = (int)ctx.Mark; return a < 5 ? 1 : 0;");
        Assert.Contains(signed, i => OpCodes.Class(i.OpCode) == ClassJmp32 && (i.OpCode & 0xf0) is Jslt or Jsge or Jsgt or Jsle);
        var unsigned = Program("uint a = ctx.Mark; return a < 5 ? 1 : 0;");
        Assert.Contains(unsigned, i => OpCodes.Class(i.OpCode) == ClassJmp32 && (i.OpCode & 0xf0) is Jlt or Jge or Jgt or Jle);
    }

    [Fact]
    public void Byte_order_conversion_is_one_END_instruction()
    {
        var code = Program("return Net.Ntohs((ushort)ctx.Mark);");
        Assert.Contains(code, i => i.OpCode == (ClassAlu | End | 0x08) && i.Constant == 16);
    }

    [Fact]
    public void A_positive_divisor_proven_by_a_test_compiles_to_unsigned_division_with_sign_fixup()
    {
        var code = Program("int a = (int)ctx.Mark; int d = (int)ctx.Priority; if (d > 0) return a / d; return 0;");
        Assert.Contains(code, i => i.OpCode == (ClassAlu | Div | SrcX));
        Assert.Contains(code, i => i.OpCode == (ClassAlu | Neg));
        Assert.DoesNotContain(code, i => (OpCodes.Class(i.OpCode) is ClassAlu or ClassAlu64) && (i.OpCode & 0xf0) is Div or Mod && i.Offset != 0);
    }

    static IReadOnlyList<Instruction> Program(string body, string members = "") => Snippet.Program(body, members: members);
}
