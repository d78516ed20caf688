using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Tests.Syscalls;

public class ErrorMappingTests
{
    [Fact]
    public void Eperm_names_the_operation_the_errno_and_the_privilege()
    {
        var ex = new BpfException("BPF_MAP_CREATE", Errno.EPERM, BpfException.HintFor(BpfCommand.MapCreate, Errno.EPERM));
        Assert.Equal("BPF_MAP_CREATE failed: EPERM (Operation not permitted): needs root, or CAP_BPF (plus CAP_NET_ADMIN for networking programs)", ex.Message);
    }

    [Theory]
    [InlineData(BpfCommand.MapUpdateElem, Errno.ENOSPC, "map is full")]
    [InlineData(BpfCommand.MapCreate, Errno.E2BIG, "size")]
    [InlineData(BpfCommand.ProgLoad, Errno.EINVAL, "verifier log")]
    [InlineData(BpfCommand.ProgLoad, Errno.EACCES, "verifier log")]
    public void Common_errnos_get_a_hint(BpfCommand cmd, Errno errno, string expected)
    {
        Assert.Contains(expected, BpfException.HintFor(cmd, errno));
    }

    [Fact]
    public void Unknown_errnos_are_named_by_number()
    {
        Assert.Equal("errno 4242", ((Errno)4242).Name());
    }

    [Fact]
    public void Verifier_message_shows_the_decisive_lines_but_not_statistics()
    {
        var log = string.Join('\n', Enumerable.Range(0, 50).Select(i => $"{i}: (b7) r0 = {i}"))
                  + "\nR2 !read_ok\nprocessed 51 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";
        var ex = new VerifierException("p", Errno.EACCES, log);
        Assert.Contains("R2 !read_ok", ex.Message);
        Assert.DoesNotContain("processed 51", ex.Message);
        Assert.DoesNotContain("0: (b7)", ex.Message);
        Assert.Equal(log, ex.Log);
        Assert.Equal(VerifierException.DecisiveLineCount, ex.DecisiveLines.Count);
    }
}
