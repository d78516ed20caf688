using Netfence.Bpf.Asm;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// Map update and delete results are sign-extended from their low 32 bits: 6.1's verifier calls the map's own
/// update/delete, which returned int there, so r0's upper half is zero and -ENOENT would read as 4294967294
/// (found by the differential corpus's HashFull on 6.1).
/// </summary>
public class MapUpdateResultTests
{
    [Theory]
    [InlineData("Flows.Delete(ctx.Mark)", 3)]
    [InlineData("Flows.Update(ctx.Mark, 7UL, UpdateFlag.NoExist)", 2)]
    public void The_result_is_sign_extended_from_32_bits_before_it_is_used_as_a_long(string call, int helper)
    {
        var code = Snippet.Program($"long status = {call}; return (int)(status >> 32);",
            members: "static readonly HashMap<uint, ulong> Flows = new(16);");
        int at = code.ToList().FindIndex(i => i.OpCode == (ClassJmp | Call) && i.Constant == helper);
        Assert.True(at > 0);
        var after = code.Skip(at + 1).ToList();
        int lsh = after.FindIndex(i => i.OpCode == (ClassAlu64 | Lsh | SrcK) && i.Constant == 32);
        Assert.True(lsh >= 0, "no 64-bit shift left by 32 after the call");
        Assert.Equal((ClassAlu64 | Arsh | SrcK, 32L), (after[lsh + 1].OpCode, after[lsh + 1].Constant));
    }

    [Fact]
    public void A_lookup_result_is_not_touched()
    {
        var code = Snippet.Program("return Flows.TryLookup(ctx.Mark, out var v) ? (int)v : 0;",
            members: "static readonly HashMap<uint, ulong> Flows = new(16);");
        Assert.DoesNotContain(code, i => i.OpCode == (ClassAlu64 | Arsh | SrcK));
    }
}
