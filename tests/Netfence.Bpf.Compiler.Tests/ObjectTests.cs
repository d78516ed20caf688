using System.Diagnostics;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Elf;

namespace Netfence.Bpf.Compiler.Tests;

public class ObjectTests
{
    const string Source = """
        public static class Filters
        {
            public static readonly HashMap<uint, ulong> Flows = new(maxEntries: 128, pinning: MapPinning.ByName);
            public static readonly ushort Port = 443;
            public static readonly int Verdict = -1;

            [Program(Hook.TcxEgress)]
            public static int First(SkBuff ctx)
            {
                uint key = ctx.Mark;
                if (Flows.TryLookup(key, out var count)) return (int)count;
                return Verdict;
            }

            [Program(Hook.TcxEgress)]
            public static int Second(SkBuff ctx) => ctx.Priority == Port ? 2 : 0;

            [Program(Hook.CgroupConnect4)]
            public static int Third(SockAddr ctx) => ctx.UserPort != 0 ? 1 : 0;
        }
        """;

    static CompilationResult Result => Snippet.Compile(Source);

    [Fact]
    public void Programs_of_one_section_are_separate_function_symbols_tagged_with_their_hook()
    {
        var spec = Snippet.Read(Result);
        Assert.Equal(["First", "Second", "Third"], spec.Programs.Keys.Order());
        // TCX programs live in "tc" (what libbpf 1.1 knows); the BTF decl tag keeps the hook, and with it the
        // expected attach type our loader passes.
        Assert.Equal(("tc", "tcx/egress", Programs.AttachType.TcxEgress), (spec.Programs["First"].SectionName, spec.Programs["First"].Hook, spec.Programs["First"].ExpectedAttachType));
        Assert.Equal(("tc", "tcx/egress"), (spec.Programs["Second"].SectionName, spec.Programs["Second"].Hook));
        Assert.Equal(("cgroup/connect4", "cgroup/connect4"), (spec.Programs["Third"].SectionName, spec.Programs["Third"].Hook));
        Assert.Equal(["tcx/egress", "tcx/egress", "cgroup/connect4"], Result.Programs.OrderBy(p => p.Name).Select(p => p.Hook));
        Assert.Equal(3, Result.Programs.Count);
        Assert.All(Result.Programs, p => Assert.True(p.InstructionCount > 0 && p.StackBytes <= 512));
    }

    [Fact]
    public void Every_hook_name_and_section_means_to_the_loader_what_the_SDK_says()
    {
        foreach (var hook in Enum.GetValues<Sdk.Hook>())
        {
            var info = Sdk.HookInfo.Of(hook);
            Assert.True(ProgramSections.TryResolve(info.Name, out var named), $"{hook}: '{info.Name}' is no hook the loader knows");
            Assert.True(ProgramSections.TryResolve(info.Section, out var section), $"{hook}: '{info.Section}' is no section the loader knows");
            Assert.Equal((info.ProgramType, info.ProgramType), ((int)named.Type, (int)section.Type));
            Assert.Equal(info.AttachType == Sdk.HookInfoAttribute.NoAttachType ? null : info.AttachType, (int?)named.AttachType);
        }
    }

    [Fact]
    public void Maps_are_BTF_defined_with_their_type_sizes_and_pinning()
    {
        var map = Snippet.Read(Result).Maps["Flows"];
        Assert.Equal(Maps.MapType.Hash, map.Spec.Type);
        Assert.Equal((4u, 8u, 128u), (map.Spec.KeySize, map.Spec.ValueSize, map.Spec.MaxEntries));
        Assert.Equal(MapPinning.ByName, map.Pinning);
    }

    const string TypedMaps = """
        public enum Proto : byte { Udp = 17 }

        public struct Key
        {
            public uint Address;
            public Proto Protocol;
        }

        public static class Typed
        {
            public static readonly HashMap<Key, ulong> Flows = new(maxEntries: 8);
            public static readonly ArrayMap<Key> Last = new(maxEntries: 2);
            public static readonly RingBuffer Events = new(sizeBytes: 4096);

            [Program(Hook.TcIngress)]
            public static int P(SkBuff ctx)
            {
                var key = new Key { Address = ctx.Mark, Protocol = Proto.Udp };
                if (Flows.TryLookup(key, out var n)) return (int)n;
                if (Last.TryLookup(1, out var last)) return (int)last.Address;
                Events.Output(key);
                return 0;
            }
        }
        """;

    [Fact]
    public void Map_keys_and_values_are_BTF_types_the_way_libbpf_writes_type_members()
    {
        var spec = Snippet.Read(Snippet.Compile(TypedMaps));
        var btf = spec.Btf!;
        var flows = spec.Maps["Flows"];
        // __type(key, struct Key): the struct with its fields at the CLR's offsets, and the size that goes with it.
        var key = Assert.IsType<BtfStruct>(btf[flows.BtfKeyType]);
        Assert.Equal(("Key", 8u, flows.Spec.KeySize), (key.Name, key.Size, flows.Spec.KeySize));
        Assert.Equal([("Address", 0u), ("Protocol", 32u)], key.Members.Select(m => (m.Name, m.BitOffset)));
        Assert.Equal("Proto", Assert.IsType<BtfTypedef>(btf[key.Members[1].Type]).Name);
        Assert.Equal("unsigned long long", Assert.IsType<BtfInt>(btf[flows.BtfValueType]).Name);
        // An array's key is its u32 index; its value the struct.
        var last = spec.Maps["Last"];
        Assert.Equal((4u, 32), (Assert.IsType<BtfInt>(btf[last.BtfKeyType]).Size, (int)Assert.IsType<BtfInt>(btf[last.BtfKeyType]).Bits));
        Assert.Equal("Key", btf[last.BtfValueType].Name);
        // A ring buffer has neither.
        Assert.Equal((0u, 0u), (spec.Maps["Events"].BtfKeyType, spec.Maps["Events"].BtfValueType));
    }

    [Fact]
    public void Configuration_fields_are_rodata_variables_with_their_initial_values()
    {
        var spec = Snippet.Read(Result);
        Assert.Equal(BitConverter.GetBytes((ushort)443), spec.ReadVariable("Port"));
        Assert.Equal(BitConverter.GetBytes(-1), spec.ReadVariable("Verdict"));
        // The LD_IMM64 of a configuration load is relocated against .rodata.
        Assert.Contains(spec.Programs["First"].Instructions, i => i.Reference == ".rodata");
        Assert.Contains(spec.Programs["First"].Instructions, i => i.Reference == "Flows");
    }

    [Fact]
    public void BTF_carries_a_function_per_program_and_line_info_with_the_CSharp_source()
    {
        var spec = Snippet.Read(Result);
        Assert.NotNull(spec.Btf);
        Assert.True(spec.Btf!.TryFind<BtfFunc>("First", out _, out _));
        Assert.True(spec.Btf.TryFind<BtfDatasec>(".maps", out _, out _));
        var first = spec.Programs["First"];
        Assert.Single(first.FuncInfo);
        Assert.Equal(0u, first.LineInfo[0].InstructionOffset);
        Assert.Contains(first.LineInfo, l => l.FileName.EndsWith("Snippet.cs", StringComparison.Ordinal)
                                              && l.LineText == "uint key = ctx.Mark;"
                                              && l.Line == (uint)Snippet.LineOf(Source, "uint key = ctx.Mark;"));
    }

    [Theory]
    [InlineData("First", "__sk_buff", 192u)]
    [InlineData("Second", "__sk_buff", 192u)]
    [InlineData("Third", "bpf_sock_addr", 72u)]
    public void A_program_takes_a_pointer_to_its_program_types_context_struct_by_the_kernels_name(string program, string context, uint size)
    {
        // As clang declares int f(struct __sk_buff *skb): 6.1's verifier matches the argument to the program type by
        // the struct's name and logs "reg type unsupported for arg#0" for anything else (a void * included).
        var btf = Snippet.Read(Result).Btf!;
        Assert.True(btf.TryFind<BtfFunc>(program, out _, out var func));
        var proto = Assert.IsType<BtfFuncProto>(btf[func.Type]);
        var ctx = Assert.Single(proto.Parameters);
        var pointee = Assert.IsType<BtfStruct>(btf[Assert.IsType<BtfPointer>(btf[ctx.Type]).Type]);
        Assert.Equal((context, size), (pointee.Name, pointee.Size));
    }

    [Fact]
    public void Llvm_objdump_disassembles_every_instruction()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nft-objdump-{Environment.ProcessId}.o");
        File.WriteAllBytes(path, Result.ElfObject!);
        try
        {
            var psi = new ProcessStartInfo("llvm-objdump", ["-d", "-r", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("<First>:", output);
            Assert.Contains("<Second>:", output);
            Assert.Contains("<Third>:", output);
            Assert.Contains("R_BPF_64_64\tFlows", output);
            Assert.Contains("call 1", output);
            Assert.DoesNotContain("<unknown>", output);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
