namespace Netfence.Bpf.Compiler.Tests;

// NF0013 in the IL walker, on IL built without the analyzer: the loops the analyzer rejects are rejected from their
// control-flow graph by the same rule (LoopBoundRule), and the loops it accepts compile.
public class LoopBoundTests
{
    static void Rejects(string members, string body, string marker)
    {
        var source = $"public static class P {{\n{members}\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx)\n{{\n{body}\n}}\n}}";
        var result = Snippet.Compile(source);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("NF0013", d.Id);
        Assert.Equal(Snippet.LineOf(source, marker), d.Line);
    }

    static void Accepts(string members, string body)
    {
        var result = Snippet.Compile($"public static class P {{\n{members}\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx)\n{{\n{body}\n}}\n}}");
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
    }

    [Fact]
    public void A_loop_without_an_exit_is_rejected()
        => Rejects("", "int i = (int)ctx.Mark;\nwhile (true)\n{\ni++;\nctx.Mark = (uint)i;\n}", "i++;");

    [Fact]
    public void A_loop_bounded_by_data_is_rejected()
        => Rejects("", "int s = 0;\nint n = (int)ctx.Mark;\nfor (int i = 0; i < n; i++) s += i;\nreturn s;", "for (int i = 0; i < n; i++)");

    [Fact]
    public void A_counter_assigned_in_the_body_is_rejected()
        => Rejects("", "int s = (int)ctx.Mark;\nfor (int i = 0; i < 8; i++)\n{\ns += i;\ni = s & 3;\n}\nreturn s;", "for (int i = 0; i < 8; i++)");

    [Fact]
    public void While_true_with_a_data_dependent_break_is_rejected()
        => Rejects("", "int x = (int)ctx.Mark;\nwhile (true)\n{\nif (x == 1) break;\nx = (x & 1) == 0 ? x >> 1 : 3 * x + 1;\n}\nreturn x;", "if (x == 1) break;");

    [Fact]
    public void A_step_away_from_the_bound_is_rejected()
        => Rejects("", "int s = (int)ctx.Mark;\nfor (int i = 0; i < 8; i--) s++;\nreturn s;", "for (int i = 0; i < 8; i--)");

    [Fact]
    public void A_step_that_continue_skips_is_rejected()
        => Rejects("", "int x = (int)ctx.Mark;\nint i = 0;\nwhile (i < 16)\n{\nif (x > i) continue;\ni++;\n}\nreturn i;", "while (i < 16)");

    [Fact]
    public void A_goto_loop_is_rejected()
        => Rejects("", "int x = (int)ctx.Mark;\ntop:\nx = x * 3 + 1;\nif (x != 7) goto top;\nreturn x;", "if (x != 7) goto top;");

    [Fact]
    public void An_unbounded_loop_in_a_called_method_is_rejected_at_its_line()
        => Rejects("static int Spin(int x)\n{\nwhile (x != 1) x = x * 5 + 3;\nreturn x;\n}", "return Spin((int)ctx.Mark);", "while (x != 1)");

    [Fact]
    public void Constant_configuration_break_and_do_while_bounds_are_accepted()
        => Accepts("static readonly int MaxHeaders = 4;", """
            int s = (int)ctx.Mark;
            int n = (int)ctx.Priority;
            for (int i = 0; i < 16; i++) s += i;
            for (int i = 0; i < MaxHeaders && i < n; i++) s += i;
            for (uint i = 40; i > 0; i -= 4) s++;
            while (true) { if (s > 100) break; s += 7; }
            int k = 0;
            do { s ^= k; k += 2; } while (s != 3 && k < MaxHeaders * 2);
            for (int i = 0; i < 8; i++) { if ((s & i) == 0) continue; s++; }
            for (int i = 0; i < 4; i++) ctx.TryWrite(0, i);
            return s;
            """);
}
