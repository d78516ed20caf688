using Netfence.Bpf.Asm;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// Map value references, the context as a helper argument, frame slots shared between lifetimes, and global
/// functions: the shapes the verifier needs (checked in the kernel by the datapath's kernel tests).
/// </summary>
public class ReferencesAndFunctionsTests
{
    [Fact]
    public void The_context_passed_to_a_helper_is_the_saved_r1_pointer_itself()
    {
        var code = Snippet.Program("return (int)Bpf.SkbAncestorCgroupId(ctx, 1);", Sdk.Hook.CgroupSkbEgress);
        var save = code[0];
        Assert.Equal((ClassAlu64 | Mov | SrcX, Register.R1), (save.OpCode, save.Src));
        int call = code.ToList().FindIndex(i => i.OpCode == (ClassJmp | Call) && i.Constant == 83);
        Assert.True(call > 0);
        // r1 is a plain copy of the register the entry saved r1 in: no offset, no arithmetic.
        Assert.Contains(code.Take(call), i => i.OpCode == (ClassAlu64 | Mov | SrcX) && i.Dst == Register.R1 && i.Src == save.Dst);
    }

    [Fact]
    public void A_reference_lookup_tests_the_whole_64_bit_pointer_and_reads_through_it_without_a_copy()
    {
        var code = Snippet.Program(
            "uint k = ctx.Mark; ref readonly Pair v = ref Flows.Lookup(k); if (BpfMap.IsMissing(in v)) return 1; return (int)v.B;",
            members: "public struct Pair { public ulong A; public uint B; } static readonly HashMap<uint, Pair> Flows = new(16);");
        int call = code.ToList().FindIndex(i => i.OpCode == (ClassJmp | Call) && i.Constant == 1);
        Assert.True(call > 0);
        var after = code.Skip(call + 1).ToList();
        // The null test is a 64-bit JMP (not JMP32) against 0 on the pointer or its copy...
        Assert.Contains(after, i => i.OpCode is (ClassJmp | Jeq | SrcK) or (ClassJmp | Jne | SrcK) && i.Constant == 0);
        // ...and the field is one 4-byte load at offset 8 through a register other than the frame pointer.
        Assert.Contains(after, i => i.OpCode == (ClassLdx | ModeMem | SizeW) && i.Offset == 8 && i.Src != Register.R10);
        // Nothing of the 16-byte value is copied into the frame.
        Assert.DoesNotContain(after, i => i.OpCode == (ClassLdx | ModeMem | SizeDW) && i.Src != Register.R10);
    }

    [Fact]
    public void Struct_locals_of_callees_that_are_never_live_together_share_frame_bytes()
    {
        const string members = """
            public struct Big { public ulong A, B, C, D, E, F, G, H; }
            static readonly HashMap<int, Big> S = new(4);
            static uint First(uint x) { Big b = default; b.A = x; b.H = x + 1; S.Update(0, b); return (uint)(b.A + b.H); }
            static uint Second(uint x) { Big b = default; b.B = x; b.G = x * 3; S.Update(1, b); return (uint)(b.B ^ b.G); }
            """;
        var result = Snippet.Compile($"public static class P {{ {members}\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) {{ return (int)(First(ctx.Mark) + Second(ctx.Len)); }} }}");
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        // Two 64-byte locals (each goes whole to a map, so it stays in the frame) and the keys, not 128 bytes and more.
        Assert.InRange(Assert.Single(result.Programs).StackBytes, 64, 127);
    }

    [Fact]
    public void A_global_function_is_compiled_once_into_text_and_called_with_its_arguments_in_r1_to_r5()
    {
        const string members = """
            public struct S { public uint A; public uint B; }
            [GlobalFunction] static int Sum(in S s, uint extra) => (int)(s.A + s.B + extra);
            """;
        var spec = Snippet.Read(Snippet.Compile($"public static class P {{ {members}\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) {{ S s = default; s.A = ctx.Mark; s.B = ctx.Len; return Sum(in s, 2) + Sum(in s, 3); }} }}"));
        var program = spec.Programs["M"];
        var calls = program.Instructions.Where(i => i.OpCode == (ClassJmp | Call) && i.Src == (Register)PseudoCall).ToList();
        Assert.Equal(2, calls.Count);
        // Both calls reach the one copy the loader linked after the program (func_info: the program and Sum).
        Assert.Equal(2, program.FuncInfo.Count);
        // A pointer into the frame in r1 and the scalar in r2 before each call.
        Assert.Contains(program.Instructions, i => i.OpCode == (ClassAlu64 | Mov | SrcX) && i.Dst == Register.R1 && i.Src == Register.R10);
    }

    [Fact]
    public void A_global_function_with_six_parameters_is_rejected_with_the_kernels_limit()
    {
        var result = Snippet.Compile("public static class P { [GlobalFunction] static int G(long a, long b, long c, long d, long e, long f) => (int)(a + f);\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) => G(1, 2, 3, 4, 5, ctx.Mark); }");
        Assert.False(result.Success);
        Assert.Contains(result.Diagnostics, d => d.Id == "NF0031" && d.Message.Contains("at most 5", StringComparison.Ordinal));
    }
}
