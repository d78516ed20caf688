using Netfence.Bpf.Btf;
using Netfence.Bpf.Programs;

namespace Netfence.Bpf.Tests.Programs;

public class VerifierLogSourceLinesTests
{
    static readonly BtfLineInfo[] Lines =
    [
        new(0, "/src/samples/SocketFieldInTc.cs", "    public static int ReadsFamily(SkBuff ctx)", 12, 5),
        new(1, "/src/samples/SocketFieldInTc.cs", "        uint family = ctx.Family;", 14, 9),
        new(3, "/src/samples/SocketFieldInTc.cs", "        return 0;", 15, 9),
        new(5, "/src/samples/Other.cs", "        return 0;", 40, 9),
    ];

    // What 6.1's verifier prints for the InvalidSamples program: the source text without a file and line.
    const string Linux61Log = """
        func#0 @0
        0: R1=ctx(off=0,imm=0) R10=fp0
        ; uint family = ctx.Family;
        1: (61) r2 = *(u32 *)(r1 +88)
        invalid bpf_context access off=88 size=4
        processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
        """;

    [Fact]
    public void A_source_line_without_file_and_line_gets_them_from_the_line_info_at_its_instruction()
    {
        var annotated = VerifierLogSourceLines.Annotate(Linux61Log, Lines);
        Assert.Contains("; uint family = ctx.Family; @ SocketFieldInTc.cs:14\n1: (61) r2 = *(u32 *)(r1 +88)", annotated);
        Assert.Contains("invalid bpf_context access off=88 size=4", annotated);
        Assert.Equal(Linux61Log.Split('\n').Length, annotated.Split('\n').Length);
    }

    [Fact]
    public void A_log_the_kernel_annotated_itself_is_left_as_it_is()
    {
        var log = Linux61Log.Replace("; uint family = ctx.Family;", "; uint family = ctx.Family; @ SocketFieldInTc.cs:14");
        Assert.Equal(log, VerifierLogSourceLines.Annotate(log, Lines));
    }

    [Theory]
    [InlineData(4, "SocketFieldInTc.cs:15")]
    [InlineData(5, "Other.cs:40")]
    [InlineData(9, "Other.cs:40")]
    public void The_same_text_on_two_lines_is_told_apart_by_the_instruction_that_follows(int instruction, string location)
    {
        var log = $"; return 0;\n{instruction}: (b4) w0 = 0\n";
        Assert.Equal($"; return 0; @ {location}\n{instruction}: (b4) w0 = 0\n", VerifierLogSourceLines.Annotate(log, Lines));
    }

    [Fact]
    public void A_source_line_without_an_instruction_after_it_is_matched_by_its_text_only_when_that_is_unambiguous()
    {
        var log = "; uint family = ctx.Family;\n; return 0;\nR2 !read_ok\n";
        Assert.Equal("; uint family = ctx.Family; @ SocketFieldInTc.cs:14\n; return 0;\nR2 !read_ok\n", VerifierLogSourceLines.Annotate(log, Lines));
    }

    [Fact]
    public void Text_that_is_not_the_line_info_of_its_instruction_is_not_given_that_line()
    {
        // Instruction 1's record is "uint family = ctx.Family;": a different text there is not that line.
        var log = "; something else\n1: (61) r2 = *(u32 *)(r1 +88)\n";
        Assert.Equal(log, VerifierLogSourceLines.Annotate(log, Lines));
    }
}
