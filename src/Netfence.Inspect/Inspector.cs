using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Netfence.Bpf.Disassembly;
using Netfence.Bpf.Elf;
using Netfence.Bpf.Syscalls;

namespace Netfence.Inspect;

/// <summary>
/// The command line of bytecode-inspect. Exit codes: 0 done, 1 bad input or failure (one line
/// on stderr, never a stack trace), 2 the verifier rejected a program (--verify).
/// </summary>
public static class Inspector
{
    public const int Ok = 0, Failed = 1, Rejected = 2;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Runs the tool; <paramref name="terminal"/> enables colours and boxed tables.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool terminal)
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "A C# assembly (compiled first), an eBPF ELF object, a pinned program path on bpffs, or id:N for a loaded program. --diff takes two.",
            Arity = ArgumentArity.OneOrMore,
        };
        var format = new Option<string>("--format") { Description = "Disassembly syntax: verifier (bpftool xlated) or llvm (llvm-objdump -d).", DefaultValueFactory = _ => "verifier" };
        format.AcceptOnlyFromAmong("verifier", "llvm");
        var summary = new Option<bool>("--summary") { Description = "Only the per-program summary, no disassembly." };
        var program = new Option<string?>("--program") { Description = "Only this program (by function name)." };
        var json = new Option<bool>("--json") { Description = "Print the view as JSON." };
        var verify = new Option<bool>("--verify") { Description = "Load the programs and print the verifier's verdict and statistics (root)." };
        var run = new Option<bool>("--run") { Description = "Run a program on packets with BPF_PROG_TEST_RUN (root)." };
        var packet = new Option<string?>("--packet") { Description = "--run: the packet as hex, from the Ethernet header." };
        var pcap = new Option<string?>("--pcap") { Description = "--run: a classic libpcap file." };
        var count = new Option<int>("--count") { Description = "--run with --pcap: how many packets.", DefaultValueFactory = _ => 10 };
        var repeat = new Option<uint>("--repeat") { Description = "--run: runs per packet to average the duration over.", DefaultValueFactory = _ => 1 };
        var diff = new Option<bool>("--diff") { Description = "Compare two builds: instruction counts per program and per source line." };

        var root = new RootCommand("bytecode-inspect: what the compiler made of your filter and what the kernel thinks of it.")
        {
            inputs, format, summary, program, json, verify, run, packet, pcap, count, repeat, diff,
        };
        root.SetAction(parse =>
        {
            var o = new Output(stdout, terminal && !parse.GetValue(json));
            void Emit<T>(T report, Action<Output, T> text)
            {
                if (parse.GetValue(json)) stdout.WriteLine(JsonSerializer.Serialize(report, Json));
                else text(o, report);
            }
            var files = parse.GetValue(inputs)!;
            try
            {
                if (parse.GetValue(diff))
                {
                    if (files.Length != 2) throw new InspectException($"--diff compares two inputs, got {files.Length}");
                    Emit(Diff.Compare(InputLoader.Load(files[0]), InputLoader.Load(files[1])), Diff.Write);
                    return Ok;
                }
                if (files.Length != 1) throw new InspectException($"give one input (or --diff A B), got {files.Length}");
                var input = InputLoader.Load(files[0]);
                if (parse.GetValue(verify))
                {
                    var report = Verify.Run(input);
                    Emit(report, Verify.Write);
                    return report.Accepted ? Ok : report.Error is null ? Rejected : Failed;
                }
                if (parse.GetValue(run))
                {
                    var packets = new List<byte[]>();
                    if (parse.GetValue(packet) is { } hex) packets.Add(PacketRunner.ParseHex(hex));
                    if (parse.GetValue(pcap) is { } file) packets.AddRange(Pcap.Read(file, parse.GetValue(count)));
                    Emit(PacketRunner.Execute(input, parse.GetValue(program), packets, parse.GetValue(repeat)), PacketRunner.Write);
                    return Ok;
                }
                var listingFormat = parse.GetValue(format) == "llvm" ? ListingFormat.Llvm : ListingFormat.Verifier;
                var view = Views.Inspect(input, listingFormat, parse.GetValue(program));
                bool summaryOnly = parse.GetValue(summary);
                if (parse.GetValue(json) && summaryOnly) view = view with { Disassembly = [] };
                Emit(view, (w, r) => Views.Write(w, r, summaryOnly));
                return Ok;
            }
            catch (Exception e) when (e is InspectException or BpfObjectException or BpfException or IOException or UnauthorizedAccessException or FormatException)
            {
                // The user's problem, said in one line (or the compiler's diagnostics), never a stack trace.
                stderr.WriteLine($"bytecode-inspect: {e.Message}");
                return Failed;
            }
        });
        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        return root.Parse(args).Invoke(config);
    }
}
