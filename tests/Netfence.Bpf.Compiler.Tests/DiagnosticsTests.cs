namespace Netfence.Bpf.Compiler.Tests;

public class DiagnosticsTests
{
    static void Rejects(string id, string members, string body, string marker, string hook = "TcIngress", string context = "SkBuff")
    {
        var source = $"public static class P {{\n{members}\n[Program(Hook.{hook})] public static int M({context} ctx)\n{{\n{body}\n}}\n}}";
        var result = Snippet.Compile(source);
        Assert.False(result.Success);
        var d = Assert.Single(result.Diagnostics, x => x.Id == id);
        Assert.EndsWith("Snippet.cs", d.File);
        Assert.Equal(Snippet.LineOf(source, marker), d.Line);
        Assert.True(d.Column > 0);
    }

    [Fact]
    public void Division_by_an_unproven_divisor_is_NF0017()
        => Rejects("NF0017", "", "int a = (int)ctx.Mark;\nint d = (int)ctx.Priority;\nreturn a / d;", "return a / d;");

    [Fact]
    public void Signed_division_guarded_only_against_zero_is_NF0035_because_of_minus_one()
        => Rejects("NF0035", "", "int a = (int)ctx.Mark;\nint d = (int)ctx.Priority;\nif (d != 0)\nreturn a / d;\nreturn 0;", "return a / d;");

    [Fact]
    public void Division_by_a_constant_minus_one_is_NF0035()
        => Rejects("NF0035", "", "int a = (int)ctx.Mark;\nreturn a / -1;", "return a / -1;");

    [Fact]
    public void A_long_remainder_by_minus_one_is_NF0035()
        => Rejects("NF0035", "", "long m = (long)ctx.Hash << 32 | ctx.Mark;\nreturn (int)(m % -1L);", "return (int)(m % -1L);");

    [Fact]
    public void A_compound_division_of_a_full_width_int_guarded_against_zero_is_NF0035()
        => Rejects("NF0035", "", "int a = (int)ctx.Mark;\nint b = (int)ctx.Priority;\nif (b != 0)\na /= b;\nreturn a;", "a /= b;");

    [Fact]
    public void A_value_through_uint_is_full_width_and_NF0035()
        => Rejects("NF0035", "", "int a = (int)ctx.Mark;\nint b = (int)ctx.Priority;\nif (b != 0)\nreturn (int)(uint)a / b;\nreturn 0;", "return (int)(uint)a / b;");

    [Fact]
    public void Division_by_a_constant_zero_is_NF0017()
        => Rejects("NF0017", "", "uint a = ctx.Mark;\nuint z = 0;\nreturn (int)(a / z);", "return (int)(a / z);");

    [Fact]
    public void A_guard_on_a_value_converted_explicitly_is_NF0017()
        => Rejects("NF0017", "", "int a = (int)ctx.Mark;\nint b = (int)ctx.Priority;\nif (b != 0)\nreturn a / (byte)b;\nreturn 0;", "return a / (byte)b;");

    [Fact]
    public void An_early_test_that_does_not_exit_is_NF0017()
        => Rejects("NF0017", "", "uint a = ctx.Mark;\nuint b = ctx.Priority;\nuint q = 0;\nif (b == 0) { q = 1; }\nreturn (int)(q + a / b);", "return (int)(q + a / b);");

    [Fact]
    public void A_guard_before_a_reassignment_is_NF0017()
        => Rejects("NF0017", "", "uint a = ctx.Mark;\nuint b = ctx.Priority;\nif (b != 0)\n{\nb = b - 1;\nreturn (int)(a % b);\n}\nreturn 0;", "return (int)(a % b);");

    [Fact]
    public void A_guard_on_an_out_variable_read_into_again_is_NF0017()
        => Rejects("NF0017", "", "if (!ctx.TryRead(0, out uint a) || !ctx.TryRead(4, out uint b)) return 0;\nif (b != 0)\n{\nctx.TryRead(8, out b);\nreturn (int)(a / b);\n}\nreturn 0;", "return (int)(a / b);");

    [Fact]
    public void A_map_value_reference_read_before_its_null_test_is_NF0036()
        => Rejects("NF0036", "static readonly HashMap<uint, ulong> Flows = new(16);",
            "uint k = ctx.Mark;\nref readonly ulong v = ref Flows.Lookup(k);\nint x = (int)v;\nif (BpfMap.IsMissing(in v)) return 0;\nreturn x;", "int x = (int)v;");

    [Fact]
    public void A_map_value_reference_passed_to_a_method_before_its_null_test_is_NF0036()
        => Rejects("NF0036", "static readonly HashMap<uint, ulong> Flows = new(16);\nstatic ulong Read(in ulong v) => v;",
            "uint k = ctx.Mark;\nref readonly ulong v = ref Flows.Lookup(k);\nulong x = Read(in v);\nif (BpfMap.IsMissing(in v)) return 0;\nreturn (int)x;", "ulong x = Read(in v);");

    [Fact]
    public void A_discarded_reference_lookup_is_NF0018()
        => Rejects("NF0018", "static readonly HashMap<uint, ulong> Flows = new(16);", "uint k = ctx.Mark;\nFlows.Lookup(k);\nreturn 0;", "Flows.Lookup(k);");

    [Fact]
    public void Throw_is_NF0008()
        => Rejects("NF0008", "", "if (ctx.Mark == 3)\nthrow new System.InvalidOperationException();\nreturn 0;", "throw new");

    [Fact]
    public void Try_catch_is_NF0009()
        => Rejects("NF0009", "", "try\n{\nreturn (int)ctx.Mark;\n}\ncatch\n{\nreturn 0;\n}", "return (int)ctx.Mark;");

    [Fact]
    public void Checked_arithmetic_is_NF0010()
        => Rejects("NF0010", "", "int a = (int)ctx.Mark;\nreturn checked(a + 1);", "return checked");

    [Fact]
    public void Floating_point_is_NF0011()
        => Rejects("NF0011", "", "double x = ctx.Mark * 1.5;\nreturn (int)x;", "double x");

    [Fact]
    public void Recursion_is_NF0012()
        => Rejects("NF0012", "static int F(int n) => n == 0 ? 0 : F(n - 1);", "return F((int)ctx.Mark);", "static int F");

    [Fact]
    public void Strings_are_NF0003()
        => Rejects("NF0003", "", "string s = \"x\";\nreturn s.Length;", "string s");

    [Fact]
    public void Class_allocation_is_NF0001()
        => Rejects("NF0001", "sealed class Box { public int V; }", "var b = new Box();\nreturn b.V;", "var b = new Box()");

    [Fact]
    public void Arrays_are_NF0002()
        => Rejects("NF0002", "", "int[] a = new int[4];\na[0] = (int)ctx.Mark;\nreturn a[0];", "int[] a");

    [Fact]
    public void Boxing_is_NF0004()
        => Rejects("NF0004", "", "return ((object)(int)ctx.Mark).GetHashCode();", "return ((object)");

    [Fact]
    public void Lambdas_are_NF0005()
        => Rejects("NF0005", "", "return ((System.Func<int>)(() => 1))();", "return ((System.Func<int>)");

    [Fact]
    public void Linq_is_NF0006()
        => Rejects("NF0006", "", "return System.Linq.Enumerable.Count(System.Linq.Enumerable.Range(0, (int)ctx.Mark));", "return System.Linq");

    [Fact]
    public void A_virtual_call_is_NF0007()
        => Rejects("NF0007", "public struct K { public int V; }", "K k = default;\nk.V = (int)ctx.Mark;\nreturn k.GetHashCode();", "return k.GetHashCode();");

    [Fact]
    public void A_call_outside_the_SDK_is_NF0014()
        => Rejects("NF0014", "", "return System.Math.Max((int)ctx.Mark, 3);", "System.Math.Max");

    [Fact]
    public void A_frame_over_512_bytes_is_NF0016()
        // Each struct goes whole to a map, so all nine stay in the frame together (the optimiser keeps a struct in
        // registers only when nothing reads it as memory).
        => Rejects("NF0016", "struct Big { public long A, B, C, D, E, F, G, H; }\nstatic readonly HashMap<int, Big> S = new(16);",
            "Big a = default, b = default, c = default, d = default, e = default;\nBig f = default, g = default, h = default, i = default;\na.A = ctx.Mark; b.A = ctx.Mark; c.A = ctx.Mark; d.A = ctx.Mark; e.A = ctx.Mark;\nf.A = ctx.Mark; g.A = ctx.Mark; h.A = ctx.Mark; i.A = ctx.Mark;\nS.Update(0, a); S.Update(1, b); S.Update(2, c); S.Update(3, d); S.Update(4, e); S.Update(5, f); S.Update(6, g); S.Update(7, h); S.Update(8, i);\nreturn (int)(a.A + b.A + c.A + d.A + e.A + f.A + g.A + h.A + i.A);",
            "Big a = default, b");

    [Fact]
    public void A_non_constant_context_index_is_NF0033()
        => Rejects("NF0033", "", "int i = (int)ctx.Mark;\nreturn (int)ctx.Cb(i);", "return (int)ctx.Cb(i);");

    [Fact]
    public void A_discarded_lookup_result_is_NF0018()
        => Rejects("NF0018", "static readonly HashMap<uint, uint> Flows = new(8);",
            "uint k = ctx.Mark;\nFlows.TryLookup(k, out var v);\nreturn (int)v;", "Flows.TryLookup(k, out var v);");

    [Fact]
    public void A_conditional_ref_is_NF0031()
        => Rejects("NF0031", "public struct P2 { public int A; public int B; }", "P2 p = default;\np.A = (int)ctx.Mark;\nref int r = ref (ctx.Priority > 3 ? ref p.A : ref p.B);\nreturn r;", "ref int r = ref (ctx.Priority");

    [Fact]
    public void A_ref_return_whose_target_depends_on_the_path_is_NF0031()
        => Rejects("NF0031", "public struct P2 { public int A; public int B; }\nstatic ref int Pick(ref P2 p, bool c)\n{\nif (c) return ref p.A;\nreturn ref p.B;\n}",
            "P2 p = default;\nreturn Pick(ref p, ctx.Mark > 3);", "if (c) return ref p.A;");

    [Fact]
    public void A_wrong_program_signature_is_NF0030()
    {
        var source = "public static class P {\n[Program(Hook.CgroupConnect4)] public static int M(SkBuff ctx) => 1;\n}";
        var result = Snippet.Compile(source);
        Assert.Equal("NF0030", Assert.Single(result.Diagnostics).Id);
    }

    [Fact]
    public void A_configuration_field_without_a_constant_is_NF0034()
    {
        var source = "public static class P {\nstatic readonly int X = System.Environment.ProcessorCount;\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) => X;\n}";
        var d = Assert.Single(Snippet.Compile(source).Diagnostics);
        Assert.Equal("NF0034", d.Id);
        Assert.Equal(Snippet.LineOf(source, "static readonly int X"), d.Line);
    }

    [Fact]
    public void A_supported_program_has_no_diagnostics()
    {
        var result = Snippet.Compile("public static class P {\n[Program(Hook.TcIngress)] public static int M(SkBuff ctx) => ctx.Mark > 3 ? 2 : 0;\n}");
        Assert.True(result.Success);
        Assert.Empty(result.Diagnostics);
    }
}
