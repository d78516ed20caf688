using Netfence.Bpf.Analyzers.Tests;

namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// The IL walker accepts the divisions the analyzer accepts (tests/Netfence.Bpf.Analyzers.Tests, NF0017 and NF0035):
/// the same methods (<see cref="DivisionForms"/>), inlined into a program, compile. The rejected forms are in <see cref="DiagnosticsTests"/>.
/// </summary>
public class DivisorProofTests
{
    static void Compiles(string members, string body)
    {
        var result = Snippet.Compile($"public static class P {{\n{members}\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx)\n{{\n{body}\n}}\n}}");
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
    }

    [Fact]
    public void Every_form_of_guard_the_analyzer_accepts_compiles() => Compiles(DivisionForms.Guards,
        "return F((int)ctx.Mark, (int)ctx.Priority, ctx.Hash, (sbyte)ctx.Len, (sbyte)ctx.Protocol, (long)ctx.Ifindex << 33 | ctx.Mark, -(long)ctx.Hash);");

    [Fact]
    public void Divisions_that_cannot_be_min_value_by_minus_one_compile() => Compiles(DivisionForms.NoOverflow,
        "return (int)F((int)ctx.Mark, (int)ctx.Priority, ctx.Hash, (short)ctx.Len, (short)ctx.Protocol, (long)ctx.Ifindex << 33 | ctx.Mark, -(long)ctx.Hash);");

    [Fact]
    public void Guards_on_out_variables_in_the_frame_compile() => Compiles("", """
        if (!ctx.TryRead(0, out int n) || !ctx.TryRead(4, out int d) || !ctx.TryRead(8, out sbyte e))
            return 0;
        int q = 0;
        if (d != 0 && d != -1)
            q = n / d;
        if (e > 0)
            q += n % e;
        if (d == 0 || d == -1)
            return q;
        return q + n % d;
        """);
}
