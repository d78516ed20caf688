namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// NF0038: the compiler takes optimised IL only. A Debug build's IL keeps a loop's comparison in a temporary, so its
/// bounded loops would be reported as NF0013; the author gets the one diagnostic that names the cause instead.
/// </summary>
public sealed class UnoptimisedAssemblyTests
{
    const string BoundedLoop = """
        public static class P
        {
            [Program(Hook.TcIngress)]
            public static int M(SkBuff ctx)
            {
                int n = 0;
                for (int i = 0; i <= 32; i++)
                {
                    if (ctx.Len == (uint)i) return 1;
                    n++;
                }
                return n;
            }
        }
        """;

    [Fact]
    public void A_debug_build_is_NF0038_and_nothing_else()
    {
        var result = Snippet.CompileUnoptimised(BoundedLoop);
        Assert.False(result.Success);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("NF0038", d.Id);
        Assert.Contains("Snippet", d.Message);
        Assert.Contains("without optimisation", d.Message);
    }

    [Fact]
    public void A_debug_build_with_no_programs_has_nothing_to_compile_and_is_not_NF0038()
    {
        // Tools that take any assembly (bytecode-inspect) then say there are no programs, which is the real news.
        var result = Snippet.CompileUnoptimised("public static class Helpers { public static int Twice(int x) => 2 * x; }");
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "NF0038");
        Assert.Empty(result.Programs);
    }

    [Fact]
    public void The_same_source_built_optimised_compiles()
    {
        Assert.True(Snippet.Compile(BoundedLoop).Success);
    }
}
