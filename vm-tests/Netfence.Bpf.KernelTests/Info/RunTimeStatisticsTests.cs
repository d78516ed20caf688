using Netfence.Bpf.Asm;
using Netfence.Bpf.Info;
using Netfence.Bpf.Programs;
using Netfence.Bpf.TestRun;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Info;

public class RunTimeStatisticsTests
{
    [KernelFact]
    public void Runs_are_counted_while_statistics_are_enabled_and_not_after()
    {
        using var program = BpfProgram.Load(new ProgramSpec
        {
            Name = "nft_stats", Type = ProgramType.SchedCls,
            Instructions = [Instruction.Mov64(Register.R0, 0), Instruction.Exit()],
        });
        var packet = new byte[64];

        var enabled = RunTimeStatistics.Enable();
        ProgramRunStats counted;
        try
        {
            var before = ObjectInfo.RunStats(program.Fd);
            ProgramTestRun.Run(program, packet, repeat: 100);
            counted = ObjectInfo.RunStats(program.Fd).Since(before);
        }
        finally
        {
            enabled.Dispose();
        }
        Assert.Equal(100ul, counted.RunCount);
        Assert.True(counted.RunTimeNs > 0, "100 counted runs took some time");

        // Statistics stay on while anyone else enables them (a sysctl, another process); only when nobody does is
        // the count frozen, so this part is asserted only then.
        if (File.ReadAllText("/proc/sys/kernel/bpf_stats_enabled").Trim() == "0")
        {
            var frozen = ObjectInfo.RunStats(program.Fd);
            ProgramTestRun.Run(program, packet, repeat: 10);
            Assert.Equal(frozen, ObjectInfo.RunStats(program.Fd));
        }
    }
}
