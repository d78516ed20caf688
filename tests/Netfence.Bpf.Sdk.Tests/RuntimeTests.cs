using Netfence.Bpf.Sdk.Tests.Samples;

namespace Netfence.Bpf.Sdk.Tests;

public sealed class RuntimeTests
{
    [Fact]
    public void Deterministic_runtime_drives_every_helper_and_the_scope_restores_the_machine()
    {
        var runtime = new DeterministicBpfRuntime
        {
            MonotonicNs = 100, BootNs = 1000, ClockStepNs = 10, CgroupId = 42, ProcessId = 7, ThreadId = 9, Cpus = 4, Cpu = 3, Seed = 5,
        };
        using (BpfRuntime.Use(runtime))
        {
            Assert.Equal(100UL, Bpf.KtimeGetNs());
            Assert.Equal(110UL, Bpf.KtimeGetNs());
            Assert.Equal(1000UL, Bpf.KtimeGetBootNs());
            Assert.Equal(42UL, Bpf.GetCurrentCgroupId());
            Assert.Equal((7UL << 32) | 9, Bpf.GetCurrentPidTgid());
            Assert.Equal(3u, Bpf.GetSmpProcessorId());
            var first = Bpf.GetPrandomU32();
            runtime.Seed = 5;
            Assert.Equal(first, Bpf.GetPrandomU32());
        }

        Assert.Same(BpfRuntime.Machine, BpfRuntime.Current);
    }

    [Fact]
    public void Ancestor_cgroup_ids_count_levels_from_the_root_and_answer_zero_below_the_task()
    {
        var runtime = new DeterministicBpfRuntime { CgroupAncestors = [1, 20, 300] };
        using (BpfRuntime.Use(runtime))
        {
            Assert.Equal(1UL, Bpf.GetCurrentAncestorCgroupId(0));
            Assert.Equal(300UL, Bpf.GetCurrentAncestorCgroupId(2));
            Assert.Equal(0UL, Bpf.GetCurrentAncestorCgroupId(3));
            Assert.Equal(0UL, Bpf.GetCurrentAncestorCgroupId(-1));
            Assert.Equal(20UL, Bpf.SkbAncestorCgroupId(new SkBuff(new byte[1]), 1));
        }
    }

    [Fact]
    public void Machine_runtime_answers_like_the_kernel_helpers()
    {
        var machine = BpfRuntime.Machine;
        Assert.Equal((ulong)Environment.ProcessId, machine.GetCurrentPidTgid() >> 32);
        Assert.NotEqual(0UL, machine.GetCurrentPidTgid() & 0xFFFFFFFF);
        Assert.NotEqual(0UL, machine.GetCurrentCgroupId());
        var monotonic = machine.KtimeGetNs();
        Assert.True(machine.KtimeGetNs() >= monotonic);
        Assert.True(machine.KtimeGetBootNs() >= monotonic);
        Assert.True(machine.GetSmpProcessorId() < (uint)machine.CpuCount);
    }

    [Fact]
    public void A_sample_program_runs_as_dotnet()
    {
        SkBuffProgram program = PortFilter.Egress;
        using (BpfRuntime.Use(new DeterministicBpfRuntime()))
        {
            Assert.Equal(Tcx.Drop, program(new SkBuff(Packets.Tcp4(443))));
            Assert.Equal(Tcx.Next, program(new SkBuff(Packets.Tcp4(80))));
            Assert.Equal(Tcx.Next, program(new SkBuff(Packets.Tcp4(443)[..40]))); // TCP header cut short
        }
    }

    [Fact]
    public void Isolated_programs_see_their_own_configuration()
    {
        using var http = IsolatedProgram.Load(typeof(PortFilter), new Dictionary<string, object> { ["BlockedPort"] = (ushort)80 });
        using var dns = IsolatedProgram.Load(typeof(PortFilter), new Dictionary<string, object> { ["BlockedPort"] = (ushort)53 });
        var blockHttp = http.Bind<SkBuffProgram>(nameof(PortFilter.Egress));
        var blockDns = dns.Bind<SkBuffProgram>(nameof(PortFilter.Egress));

        using (BpfRuntime.Use(new DeterministicBpfRuntime()))
        {
            Assert.Equal(Tcx.Drop, blockHttp(new SkBuff(Packets.Tcp4(80))));
            Assert.Equal(Tcx.Next, blockHttp(new SkBuff(Packets.Tcp4(53))));
            Assert.Equal(Tcx.Drop, blockDns(new SkBuff(Packets.Tcp4(53))));
            Assert.Equal(Tcx.Next, blockDns(new SkBuff(Packets.Tcp4(443))));
        }

        Assert.Equal((ushort)80, http.Field("BlockedPort"));
        Assert.Equal((ushort)443, PortFilter.BlockedPort);
        // Each copy has its own maps: the DNS copy counted one drop, the HTTP copy one drop, the original none.
        var httpVerdicts = (PerCpuArrayMap<ulong>)http.Field(nameof(PortFilter.Verdicts))!;
        using (BpfRuntime.Use(new DeterministicBpfRuntime()))
            Assert.Equal([1UL], httpVerdicts.ReadAllCpus(1));
    }

    [Fact]
    public void Isolated_programs_take_enum_configuration_declared_by_the_program()
    {
        using var deny = IsolatedProgram.Load(typeof(ModeFilter), new Dictionary<string, object> { ["Mode"] = FilterMode.Deny });
        var ingress = deny.Bind<SkBuffProgram>(nameof(ModeFilter.Ingress));
        using (BpfRuntime.Use(new DeterministicBpfRuntime()))
        {
            Assert.Equal(Tcx.Drop, ingress(new SkBuff(Packets.Tcp4(80))));
            Assert.Equal(Tcx.Next, ModeFilter.Ingress(new SkBuff(Packets.Tcp4(80))));
        }
        // The private copy holds its own enum type, with the value given.
        Assert.Equal(nameof(FilterMode.Deny), deny.Field(nameof(ModeFilter.Mode))!.ToString());
        Assert.NotEqual(typeof(FilterMode), deny.Field(nameof(ModeFilter.Mode))!.GetType());
    }

    [Fact]
    public void Isolated_enum_configuration_must_be_that_enum() =>
        Assert.Throws<ArgumentException>(() =>
            IsolatedProgram.Load(typeof(ModeFilter), new Dictionary<string, object> { ["Mode"] = UpdateFlag.Exist }));

    [Fact]
    public void Isolated_configuration_must_match_a_static_readonly_primitive() =>
        Assert.Throws<ArgumentException>(() =>
            IsolatedProgram.Load(typeof(PortFilter), new Dictionary<string, object> { ["BlockedPort"] = 80 }));
}
