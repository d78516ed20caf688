using System.Text.Json;
using Netfence.KernelTesting;

namespace Netfence.Inspect.Tests;

/// <summary>The tool as a user runs it: arguments in, text or JSON and an exit code out.</summary>
public class CommandLineTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Inspector.Run(args, stdout, stderr, terminal: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    static string TempFile(byte[] contents)
    {
        var path = Path.Combine(Path.GetTempPath(), $"nft-inspect-{Guid.NewGuid():N}.o");
        File.WriteAllBytes(path, contents);
        return path;
    }

    [Fact]
    public void The_default_view_shows_the_summary_source_lines_and_verifier_syntax()
    {
        var (code, output, _) = Run(ReferenceObjects.Compile("counter.c"), "--program", "classify");
        Assert.Equal(0, code);
        Assert.Contains("program classify  section tc  type SchedCls", output);
        Assert.Contains("helpers bpf_map_update_elem#2, bpf_map_lookup_elem#1", output);
        Assert.Contains("stack 16 bytes", output);
        Assert.Contains("nf_counts  Hash", output);
        Assert.Contains("; runs++; @ counter.c:45", output);
        Assert.Contains("(18) r1 = map[nf_last]", output);
        Assert.Contains("(85) call bpf_map_update_elem#2", output);
    }

    [Fact]
    public void The_llvm_format_is_chosen_with_format_llvm()
    {
        var (code, output, _) = Run(ReferenceObjects.Compile("counter.c"), "--program", "classify", "--format", "llvm");
        Assert.Equal(0, code);
        Assert.Contains("*(u32 *)(r10 - 4) = r2", output);
        Assert.Contains("r1 = nf_last ll", output);
    }

    public static TheoryData<string, byte[], string> BrokenFiles()
    {
        var good = File.ReadAllBytes(ReferenceObjects.Compile("counter.c"));
        return new()
        {
            { "empty", [], "not an ELF file" },
            { "text", "hello world, not an object"u8.ToArray(), "magic bytes" },
            { "truncated header", good[..40], "truncated ELF header" },
            { "truncated sections", good[..(good.Length / 2)], "truncated" },
        };
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void A_malformed_or_truncated_object_is_one_clear_line_and_exit_1(string what, byte[] contents, string expected)
    {
        var path = TempFile(contents);
        try
        {
            var (code, output, error) = Run(path);
            Assert.Equal(1, code);
            Assert.Equal("", output);
            var lines = error.TrimEnd().Split('\n');
            Assert.True(lines.Length == 1, $"{what}: expected one line, got:\n{error}");
            Assert.StartsWith("bytecode-inspect: ", lines[0]);
            Assert.Contains(path, lines[0]);
            Assert.Contains(expected, lines[0]);
            Assert.DoesNotContain(" at Netfence", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_assembly_the_compiler_cannot_compile_is_a_clear_error()
    {
        // The test assembly itself is a .NET assembly without [Program] methods.
        var (code, output, error) = Run(typeof(CommandLineTests).Assembly.Location);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("has no eBPF programs", error);
        Assert.DoesNotContain(" at Netfence", error);

        var corrupt = TempFile([(byte)'M', (byte)'Z', 1, 2, 3, 4, 5, 6]);
        try
        {
            var broken = Run(corrupt);
            Assert.Equal(1, broken.Code);
            Assert.Contains("the compiler could not compile it", broken.Err);
            Assert.DoesNotContain(" at Netfence", broken.Err);
        }
        finally
        {
            File.Delete(corrupt);
        }
    }

    [Fact]
    public void A_compiled_CSharp_assembly_shows_its_CSharp_lines()
    {
        // The project references the samples (without using them), so they are built in this configuration.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var samples = Path.Combine(Path.GetDirectoryName(ReferenceObjects.SourceDirectory)!, "Netfence.Bpf.Compiler.Samples", "bin", configuration, "net10.0", "Netfence.Bpf.Compiler.Samples.dll");
        var (code, output, error) = Run(samples, "--summary");
        Assert.True(code == 0, error);
        Assert.Contains("program Filter  section tc  hook tc/ingress  type SchedCls", output);
        Assert.Contains("program Drop  section tc  hook tc/egress  type SchedCls", output);
        Assert.Contains("program Connect  section cgroup/connect4  type CgroupSockAddr  attach CgroupInet4Connect", output);
    }

    [Fact]
    public void A_missing_input_is_a_clear_error() =>
        Assert.Contains("no such file", Run("/nonexistent/filter.o").Err);

    [Fact]
    public void Json_output_parses_and_has_the_expected_fields()
    {
        var (code, output, _) = Run(ReferenceObjects.Compile("counter.c"), "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("Object", root.GetProperty("kind").GetString());
        var programs = root.GetProperty("programs").EnumerateArray().ToList();
        Assert.Equal(["sock_all", "classify", "passthrough"], programs.Select(p => p.GetProperty("name").GetString()));
        var classify = programs[1];
        Assert.Equal("tc", classify.GetProperty("section").GetString());
        Assert.Equal("SchedCls", classify.GetProperty("programType").GetString());
        Assert.True(classify.GetProperty("instructions").GetInt32() > 20);
        Assert.Equal(16, classify.GetProperty("stackBytes").GetInt32());
        var map = classify.GetProperty("maps").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "nf_counts");
        Assert.Equal("Hash", map.GetProperty("type").GetString());
        Assert.Equal(4u, map.GetProperty("keySize").GetUInt32());
        Assert.Equal(8u, map.GetProperty("valueSize").GetUInt32());
        Assert.Equal(16u, map.GetProperty("maxEntries").GetUInt32());
        var insn = root.GetProperty("disassembly")[1].GetProperty("instructions")[0];
        Assert.Equal(0, insn.GetProperty("slot").GetInt32());
        Assert.Equal("0xb7", insn.GetProperty("opcode").GetString());
        Assert.Equal("(b7) r2 = 0", insn.GetProperty("text").GetString());
        Assert.Equal(40, insn.GetProperty("line").GetInt32());
        Assert.EndsWith("counter.c", insn.GetProperty("file").GetString());
    }

    [Fact]
    public void Diff_shows_per_program_and_per_line_instruction_counts()
    {
        var before = ReferenceObjects.Compile("counter.c");
        var after = ReferenceObjects.Compile("counter.c", "-O1");
        var (code, output, _) = Run("--diff", before, after, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var programs = doc.RootElement.GetProperty("programs").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(["classify", "passthrough", "sock_all"], programs.Keys.Order());
        foreach (var p in programs.Values)
        {
            int b = p.GetProperty("before").GetInt32(), a = p.GetProperty("after").GetInt32();
            Assert.Equal(a - b, p.GetProperty("delta").GetInt32());
            Assert.Equal(b, p.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("before").GetInt32()));
            Assert.Equal(a, p.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("after").GetInt32()));
        }
        Assert.Contains(programs["classify"].GetProperty("lines").EnumerateArray(), l => l.GetProperty("key").GetString()!.StartsWith("counter.c:45  runs++;"));

        var text = Run("--diff", before, before).Out;
        Assert.Contains("instructions: ", text);
        Assert.Matches(@"classify\s+\d+\s+\d+\s+0", text);
    }
}
