using Netfence.Bpf.Asm;
using Netfence.Bpf.Programs;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Programs;

public class ProgramLoadTests
{
    [KernelFact]
    public void A_trivial_socket_filter_loads()
    {
        using var prog = BpfProgram.Load(new ProgramSpec
        {
            Name = "nf_trivial",
            Type = ProgramType.SocketFilter,
            Instructions = [Instruction.Mov64(Register.R0, 0), Instruction.Exit()],
        });
        Assert.False(prog.Fd.IsInvalid);
    }

    [KernelFact]
    public void A_rejected_program_carries_the_whole_verifier_log()
    {
        // Reading R2 before writing it is the classic rejection: "R2 !read_ok".
        var ex = Assert.Throws<VerifierException>(() => BpfProgram.Load(new ProgramSpec
        {
            Name = "nf_bad",
            Type = ProgramType.SocketFilter,
            Instructions = [Instruction.Mov64(Register.R0, Register.R2), Instruction.Exit()],
        }));
        Assert.Contains("R2 !read_ok", ex.Log);
        Assert.Contains("R2 !read_ok", ex.Message);
        Assert.Equal(Netfence.Bpf.Syscalls.Errno.EACCES, ex.Errno);
    }
}
