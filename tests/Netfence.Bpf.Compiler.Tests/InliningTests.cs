using Netfence.Bpf.Asm;
using static Netfence.Bpf.Asm.OpCodes;

namespace Netfence.Bpf.Compiler.Tests;

// The inlining pass: every call of a user method is spliced into the program, with the callee's own C# lines.
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
}
