using Netfence.Sandbox;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Netfence.Bpf.Elf;
using Netfence.Bpf.Links;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;
using Netfence.Bpf.TestRun;
using Netfence.KernelTesting;

namespace Netfence.Bpf.Compiler.KernelTests;

public class VerticalSliceTests
{
    const string Samples = "Netfence.Bpf.Compiler.Samples";

    static uint NetworkOrder(uint hostOrder) => BinaryPrimitives.ReverseEndianness(hostOrder);

    [KernelFact]
    public void The_tc_filter_parses_looks_up_counts_and_returns_its_verdicts()
    {
        using var collection = CollectionLoader.Load(CompiledSamples.Spec(Samples));
        var program = collection.Programs["Filter"];
        var blocked = new BpfMap<uint, uint>(collection.Maps["Blocked"]);
        var counters = new PerCpuBpfMap<uint, ulong>(collection.Maps["Counters"]);

        // Not IPv4: passed and counted in slot 2.
        Assert.Equal(0, ProgramTestRun.Run(program, Packets.Arp()).SignedReturnValue);
        // IPv4, destination not in the map: PassVerdict (0) and slot 0.
        Assert.Equal(0, ProgramTestRun.Run(program, Packets.Ipv4(0x0A000002)).SignedReturnValue);
        // IPv4 to a blocked destination: the map's verdict and slot 1.
        blocked.Update(NetworkOrder(0x0A000063), 2);
        Assert.Equal(2, ProgramTestRun.Run(program, Packets.Ipv4(0x0A000063)).SignedReturnValue);
        blocked.Update(NetworkOrder(0x0A000063), 7);
        Assert.Equal(7, ProgramTestRun.Run(program, Packets.Ipv4(0x0A000063)).SignedReturnValue);

        Assert.Equal(1ul, counters.Lookup(0)!.Aggregate(0ul, (a, b) => a + b));
        Assert.Equal(2ul, counters.Lookup(1)!.Aggregate(0ul, (a, b) => a + b));
        Assert.Equal(1ul, counters.Lookup(2)!.Aggregate(0ul, (a, b) => a + b));
    }

    [KernelFact]
    public void A_packet_read_at_a_variable_offset_verifies_and_finds_the_port_behind_IPv4_options()
    {
        using var collection = CollectionLoader.Load(CompiledSamples.Spec(Samples));
        var program = collection.Programs["Drop"];
        var seen = new BpfMap<uint, ulong>(collection.Maps["Seen"]);
        Assert.Equal(2, ProgramTestRun.Run(program, Packets.Tcp4WithOptions(443)).SignedReturnValue);
        Assert.Equal(0, ProgramTestRun.Run(program, Packets.Tcp4WithOptions(80)).SignedReturnValue);
        Assert.Equal(0, ProgramTestRun.Run(program, Packets.Ipv4(0x0A000002, protocol: 17)).SignedReturnValue);
        Assert.Equal(0, ProgramTestRun.Run(program, Packets.Ipv4(0x0A000002, protocol: 1)).SignedReturnValue);
        Assert.Equal([2ul, 1ul, 1ul], new[] { seen.Lookup(0), seen.Lookup(1), seen.Lookup(2) });
    }

    [KernelFact]
    public void A_configuration_field_is_patched_through_rodata_before_load()
    {
        var spec = CompiledSamples.Spec(Samples);
        spec.RewriteConstant("PassVerdict", 5);
        using var collection = CollectionLoader.Load(spec);
        Assert.Equal(5, ProgramTestRun.Run(collection.Programs["Filter"], Packets.Ipv4(0x0A000002)).SignedReturnValue);
    }

    [KernelFact]
    public void The_object_loads_through_libbpf()
    {
        var path = CompiledSamples.WriteObject(Samples);
        var pins = Path.Combine("/sys/fs/bpf", UniqueName.Next());
        try
        {
            var result = Command.Try("bpftool", "prog", "loadall", path, pins);
            Assert.True(result.ExitCode == 0, result.StdErr);
            Assert.True(File.Exists(Path.Combine(pins, "Filter")));
            Assert.True(File.Exists(Path.Combine(pins, "Connect")));
            Assert.True(File.Exists(Path.Combine(pins, "Drop")));
        }
        finally
        {
            if (Directory.Exists(pins)) Directory.Delete(pins, recursive: true);
            File.Delete(path);
        }
    }

    [KernelFact]
    public void The_connect4_program_rejects_the_configured_port_from_inside_the_cgroup()
    {
        using var denied = new TcpListener(IPAddress.Loopback, 0);
        using var allowed = new TcpListener(IPAddress.Loopback, 0);
        denied.Start();
        allowed.Start();
        int deniedPort = ((IPEndPoint)denied.LocalEndpoint).Port, allowedPort = ((IPEndPoint)allowed.LocalEndpoint).Port;
        var spec = CompiledSamples.Spec(Samples);
        spec.RewriteConstant("DeniedPort", (ulong)deniedPort);
        using var collection = CollectionLoader.Load(spec);
        using var cgroup = new SandboxCgroup();
        using var attachment = CgroupAttach.Attach(collection.Programs["Connect"], cgroup.Path, AttachType.CgroupInet4Connect);
        try
        {
            var rejected = cgroup.Run("bash", "-c", $"exec 3<>/dev/tcp/127.0.0.1/{deniedPort}");
            Assert.NotEqual(0, rejected.ExitCode);
            Assert.Contains("Operation not permitted", rejected.StdErr);
            Assert.Equal(0, cgroup.Run("bash", "-c", $"exec 3<>/dev/tcp/127.0.0.1/{allowedPort}").ExitCode);
        }
        finally
        {
            attachment.Detach();
        }
    }

    [KernelFact]
    public void A_verifier_rejection_names_the_CSharp_file_and_line()
    {
        var spec = CompiledSamples.Spec("Netfence.Bpf.Compiler.InvalidSamples");
        var e = Assert.Throws<VerifierException>(() => CollectionLoader.Load(spec));
        Assert.Contains("invalid bpf_context access", e.Log);
        Assert.Contains("uint family = ctx.Family; @ SocketFieldInTc.cs:14", e.Log);
    }
}
