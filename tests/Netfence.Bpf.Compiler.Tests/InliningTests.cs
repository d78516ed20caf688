using Netfence.Bpf.Asm;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Tests;

// The inlining pass: every call of a user method is spliced into the program, with the callee's own C# lines; a
// [GlobalFunction] stays a BPF-to-BPF call, and references (map values, the context) reach the inlined code intact.
public class InliningTests
{
    const string Source = """
        public static class P
        {
            [Program(Hook.TcIngress)]
            public static int M(SkBuff ctx)
            {
                int a = Twice((int)ctx.Mark);
                int b = Twice(a + 1);
                Bump(ref b);
                return b;
            }

            static int Twice(int x)
            {
                return x * 2;
            }

            static void Bump(ref int v)
            {
                v += 3;
            }
        }
        """;

    [Fact]
    public void Calls_of_user_methods_leave_no_BPF_to_BPF_call_behind()
    {
        var spec = Snippet.Read(Snippet.Compile(Source));
        var code = spec.Programs["M"].Instructions;
        // A BPF-to-BPF call is a CALL with src = 1 (BPF_PSEUDO_CALL); helper calls have src = 0.
        Assert.DoesNotContain(code, i => i.OpCode == (ClassJmp | Call) && (byte)i.Src == PseudoCall);
        Assert.Single(spec.Programs["M"].FuncInfo);
    }

    [Fact]
    public void Inlined_code_carries_the_callees_lines()
    {
        var spec = Snippet.Read(Snippet.Compile(Source));
        var lines = spec.Programs["M"].LineInfo;
        Assert.Contains(lines, l => l.Line == (uint)Snippet.LineOf(Source, "return x * 2;") && l.LineText == "return x * 2;");
        Assert.Contains(lines, l => l.Line == (uint)Snippet.LineOf(Source, "v += 3;"));
    }

    [Fact]
    public void Mutual_recursion_is_NF0012_at_the_call_that_closes_the_cycle()
    {
        var source = "public static class P {\nstatic int A(int n) => n == 0 ? 0 : B(n - 1);\nstatic int B(int n) => A(n);\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) => A((int)ctx.Mark);\n}";
        var d = Assert.Single(Snippet.Compile(source).Diagnostics);
        Assert.Equal("NF0012", d.Id);
        Assert.Equal(Snippet.LineOf(source, "static int B"), d.Line);
        Assert.Contains("M -> A -> B -> A", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recursion_through_a_ref_result_is_NF0012()
    {
        var source = "public struct S { public int A; }\npublic static class P {\nstatic ref int Pick(ref S s, int n) => ref n == 0 ? ref s.A : ref Pick(ref s, n - 1);\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) { S s = default; return Pick(ref s, (int)ctx.Mark); }\n}";
        Assert.Equal("NF0012", Assert.Single(Snippet.Compile(source).Diagnostics).Id);
    }

    [Fact]
    public void A_global_function_stays_a_call_through_inlined_callers_and_inlines_the_methods_it_calls()
    {
        const string source = """
            public struct S { public uint A; public uint B; }
            public static class P
            {
                static uint Triple(uint x) => x * 3;
                [GlobalFunction] static int G(in S s, uint extra) => (int)(s.A + Triple(extra));
                static int Wrap(in S s, uint e) => G(in s, e) + 1;
                [Program(Hook.TcIngress)]
                public static int M(SkBuff ctx)
                {
                    S s = default;
                    s.A = ctx.Mark;
                    return Wrap(in s, ctx.Len) + Wrap(in s, 2);
                }
            }
            """;
        var program = Snippet.Read(Snippet.Compile(source)).Programs["M"];
        // Two inlined Wraps, each calling G; G's own body (linked after the program) has Triple inlined, no call.
        Assert.Equal(2, program.Instructions.Count(i => i.OpCode == (ClassJmp | Call) && (byte)i.Src == PseudoCall));
        Assert.Equal(2, program.FuncInfo.Count);
        Assert.Contains(program.Instructions, i => i.OpCode == (ClassAlu64 | Mul | SrcK) || i.OpCode == (ClassAlu | Mul | SrcK));
    }

    [Fact]
    public void A_map_value_reference_passed_to_inlined_methods_is_read_and_written_through_its_pointer()
    {
        const string source = """
            public struct Pair { public ulong A; public uint B; }
            public static class P
            {
                static readonly HashMap<uint, Pair> Flows = new(16);
                static void Bump(ref Pair p) { p.B += 5; }
                static uint Read(in Pair p) => p.B;
                [Program(Hook.TcIngress)]
                public static int M(SkBuff ctx)
                {
                    uint k = ctx.Mark;
                    ref Pair v = ref Flows.Lookup(k);
                    if (BpfMap.IsMissing(in v)) return 1;
                    Bump(ref v);
                    return (int)Read(in v);
                }
            }
            """;
        var code = Snippet.Read(Snippet.Compile(source)).Programs["M"].Instructions;
        int call = code.ToList().FindIndex(i => i.OpCode == (ClassJmp | Call) && i.Constant == 1);
        var after = code.Skip(call + 1).ToList();
        // B (offset 8) is stored and read through the value pointer, never through the frame...
        Assert.Contains(after, i => i.OpCode == (ClassStx | ModeMem | SizeW) && i.Offset == 8 && i.Dst != Register.R10);
        Assert.True(after.Count(i => i.OpCode == (ClassLdx | ModeMem | SizeW) && i.Offset == 8 && i.Src != Register.R10) >= 2);
        // ...and nothing of the 16-byte value is copied into the frame.
        Assert.DoesNotContain(after, i => i.OpCode == (ClassLdx | ModeMem | SizeDW) && i.Src != Register.R10);
    }

    [Fact]
    public void The_context_an_inlined_method_passes_to_a_helper_is_the_programs_saved_r1()
    {
        const string source = """
            public static class P
            {
                static long Ancestor(SkBuff c, int level) => (long)Bpf.SkbAncestorCgroupId(c, level);
                [Program(Hook.CgroupSkbEgress)]
                public static int M(SkBuff ctx) => (int)Ancestor(ctx, 1);
            }
            """;
        var code = Snippet.Read(Snippet.Compile(source)).Programs["M"].Instructions;
        var save = code[0];
        Assert.Equal((ClassAlu64 | Mov | SrcX, Register.R1), (save.OpCode, save.Src));
        int call = code.ToList().FindIndex(i => i.OpCode == (ClassJmp | Call) && i.Constant == 83);
        Assert.True(call > 0);
        Assert.Contains(code.Take(call), i => i.OpCode == (ClassAlu64 | Mov | SrcX) && i.Dst == Register.R1 && i.Src == save.Dst);
    }
}
