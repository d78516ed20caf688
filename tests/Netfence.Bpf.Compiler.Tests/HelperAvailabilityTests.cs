namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// NF0037: a helper its program type does not offer on 6.1 is a build error at the call, named with the program, not
/// an "unknown func" from the verifier of the oldest kernel the programs must load on.
/// </summary>
public class HelperAvailabilityTests
{
    [Fact]
    public void A_current_task_helper_in_a_tc_program_is_NF0037_at_the_call()
    {
        const string source = """
            public static class P
            {
                [Program(Hook.TcIngress)]
                public static int Tc(SkBuff ctx) => (int)Bpf.GetCurrentPidTgid();
            }
            """;
        var result = Snippet.Compile(source);
        Assert.Null(result.ElfObject);
        var d = Assert.Single(result.Diagnostics, d => d.Id == "NF0037");
        Assert.Equal(Snippet.LineOf(source, "Bpf.GetCurrentPidTgid()"), d.Line);
        Assert.Equal("Helper 'Bpf.GetCurrentPidTgid' (bpf helper #14) is not available to sched_cls programs ('Tc') on Linux 6.1, "
                     + "the oldest kernel Netfence supports: it is available to cgroup_sock_addr programs", d.Message);
    }

    [Fact]
    public void A_helper_reached_through_a_global_function_is_judged_for_each_program_that_calls_it()
    {
        const string source = """
            public static class P
            {
                [GlobalFunction] static int Group(uint level) => (int)Bpf.GetCurrentAncestorCgroupId((int)level);

                [Program(Hook.CgroupConnect4)]
                public static int Connect(SockAddr ctx) => Group(1) != 0 ? 1 : 0;

                [Program(Hook.CgroupSkbEgress)]
                public static int Egress(SkBuff ctx) => Group(ctx.Mark) != 0 ? 1 : 0;
            }
            """;
        var result = Snippet.Compile(source);
        var d = Assert.Single(result.Diagnostics, d => d.Id == "NF0037");
        Assert.Contains("to cgroup_skb programs ('Egress')", d.Message, StringComparison.Ordinal);
        Assert.Equal(Snippet.LineOf(source, "Bpf.GetCurrentAncestorCgroupId"), d.Line);
    }

    [Fact]
    public void Each_program_type_compiles_the_helpers_it_offers()
    {
        var result = Snippet.Compile("""
            public static class P
            {
                [Program(Hook.CgroupConnect4)]
                public static int Connect(SockAddr ctx) => Bpf.GetCurrentPidTgid() != Bpf.GetCurrentCgroupId() ? 1 : 0;

                [Program(Hook.TcxIngress)]
                public static int Tc(SkBuff ctx) => (int)(Bpf.SkbAncestorCgroupId(ctx, 1) + Bpf.KtimeGetBootNs());

                [Program(Hook.CgroupSkbEgress)]
                public static int Egress(SkBuff ctx) => (int)(Bpf.SkbAncestorCgroupId(ctx, 0) + Bpf.GetPrandomU32());
            }
            """);
        Assert.Empty(result.Diagnostics);
        Assert.NotNull(result.ElfObject);
    }
}
