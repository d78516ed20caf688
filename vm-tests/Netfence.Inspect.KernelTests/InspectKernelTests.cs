using System.Text.Json;
using Netfence.Bpf.Elf;
using Netfence.Bpf.Info;
using Netfence.Bpf.Pinning;
using Netfence.KernelTesting;

namespace Netfence.Inspect.KernelTests;

public class InspectKernelTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Inspector.Run(args, stdout, stderr, terminal: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [KernelFact]
    public void Verify_on_a_good_object_prints_the_verifier_statistics()
    {
        var (code, output, error) = Run("--verify", ReferenceObjects.Compile("counter.c"));
        Assert.True(code == 0, error + output);
        Assert.Contains("program classify: accepted", output);
        Assert.Matches(@"processed \d+ insns, total states \d+, peak states \d+, stack depth \d+", output);

        var json = JsonDocument.Parse(Run("--verify", "--json", ReferenceObjects.Compile("counter.c")).Out).RootElement;
        Assert.True(json.GetProperty("accepted").GetBoolean());
        var stats = json.GetProperty("programs").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "classify").GetProperty("statistics");
        Assert.True(stats.GetProperty("instructionsProcessed").GetInt32() > 0);
    }

    [KernelFact]
    public void Verify_on_a_broken_program_shows_the_source_line_the_verifier_rejected()
    {
        var (code, output, _) = Run("--verify", ReferenceObjects.Compile("bad_access.c"));
        Assert.Equal(Inspector.Rejected, code);
        Assert.Contains("program bad_access: REJECTED", output);
        Assert.Contains(">> R0 invalid mem access 'map_value_or_null'", output);
        Assert.Contains("rejected at: return *value == 42 ? 2 : 0; /* netfence: unchecked map value */ @ bad_access.c:18", output);
    }

    [KernelFact]
    public void Verify_on_a_broken_CSharp_program_shows_the_CSharp_line_the_verifier_rejected()
    {
        // The assembly is compiled by our compiler first; its BTF line info carries the C# text and line.
        var assembly = Path.Combine(AppContext.BaseDirectory, "Netfence.Bpf.Compiler.InvalidSamples.dll");
        var (code, output, error) = Run("--verify", assembly);
        Assert.True(code == Inspector.Rejected, error + output);
        Assert.Contains("program ReadsFamily: REJECTED", output);
        Assert.Contains("invalid bpf_context access", output);
        Assert.Contains("rejected at: uint family = ctx.Family; @ SocketFieldInTc.cs:14", output);
    }

    [KernelFact]
    public void Run_with_a_hex_packet_prints_the_programs_verdict()
    {
        // classify returns the .rodata verdict (2, TC_ACT_SHOT) for any packet.
        const string packet = "ffffffffffff0200000000010800450000140000000040110000c0a80001c0a80002";
        var (code, output, error) = Run("--run", ReferenceObjects.Compile("counter.c"), "--program", "classify", "--packet", packet);
        Assert.True(code == 0, error);
        Assert.Matches(@"packet 1 \(34 bytes\): verdict 2 \(TC_ACT_SHOT/TCX_DROP\) in \d+ ns", output);

        var pass = Run("--run", ReferenceObjects.Compile("counter.c"), "--program", "passthrough", "--packet", packet);
        Assert.Contains("verdict 0 (TC_ACT_OK/TCX_PASS)", pass.Out);
    }

    [KernelFact]
    public void Run_reads_packets_from_a_pcap_file()
    {
        var pcap = Path.Combine(Path.GetTempPath(), $"nft-{Guid.NewGuid():N}.pcap");
        var frame = Convert.FromHexString("ffffffffffff02000000000108004500001400000000401100000a0000010a000002");
        using (var w = new BinaryWriter(File.Create(pcap)))
        {
            w.Write(0xa1b2c3d4u); w.Write((ushort)2); w.Write((ushort)4); w.Write(0); w.Write(0u); w.Write(65535u); w.Write(1u);
            for (int i = 0; i < 3; i++)
            {
                w.Write((uint)i); w.Write(0u); w.Write((uint)frame.Length); w.Write((uint)frame.Length); w.Write(frame);
            }
        }
        try
        {
            var (code, output, error) = Run("--run", ReferenceObjects.Compile("counter.c"), "--program", "classify", "--pcap", pcap, "--count", "2");
            Assert.True(code == 0, error);
            Assert.Contains("packet 2 (34 bytes): verdict 2", output);
            Assert.DoesNotContain("packet 3", output);
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [KernelFact]
    public void A_live_program_by_pinned_path_disassembles_with_its_source_lines_and_maps()
    {
        using var pins = new PinScratch();
        var spec = BpfObjectReader.Read(ReferenceObjects.Compile("counter.c"));
        using var collection = CollectionLoader.Load(spec, new CollectionOptions { PinDirectory = pins.Path });
        var path = pins["classify_prog"];
        ObjectPin.Pin(collection.Programs["classify"], path);

        var (code, output, error) = Run(path);
        Assert.True(code == 0, error);
        Assert.Contains("program classify  type SchedCls", output);
        Assert.Contains("; runs++; @ counter.c:45", output);
        Assert.Matches(@"\(18\) r1 = map\[id:\d+:nf_last\]", output);
        Assert.Contains("nf_counts  Hash", output);
        Assert.Contains("exit", output);

        var id = ObjectInfo.Program(collection.Programs["classify"].Fd).Id;
        var byId = Run($"id:{id}", "--json");
        Assert.Equal("Live", JsonDocument.Parse(byId.Out).RootElement.GetProperty("kind").GetString());
    }
}
