using System.Globalization;

namespace Netfence.Bench.Scale;

/// <summary>The command line of netfence-bench-scale.</summary>
internal sealed record BenchOptions(string OutputDirectory, string? Readme, string Netfenced, int Attachments)
{
    public const string Usage = """
        usage: netfence-bench-scale --out DIR [--readme README.md] [--netfenced PATH] [--attachments 1000]
          --out          where scale.md and scale.json go
          --readme       replace the table between <!-- bench:scale:start --> and <!-- bench:scale:end -->
          --netfenced    the netfenced executable to measure (default: the one beside this benchmark)
          --attachments  how many cgroups to attach
        """;

    public static BenchOptions Parse(string[] args)
    {
        string? output = null, readme = null;
        string netfenced = Path.Combine(AppContext.BaseDirectory, "netfenced");
        int attachments = 1000;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--out": output = Value(); break;
                case "--readme": readme = Value(); break;
                case "--netfenced": netfenced = Path.GetFullPath(Value()); break;
                case "--attachments": attachments = Positive(args[i], Value()); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        if (output is null) throw new ArgumentException("--out is required");
        if (!File.Exists(netfenced)) throw new ArgumentException($"--netfenced: {netfenced} does not exist (build it: ./build.sh bench scale does)");
        if (attachments > 10_000) throw new ArgumentException($"--attachments: {attachments} is above the 10,000 the DNS port range of the benchmark holds");
        return new BenchOptions(output, readme, netfenced, attachments);
    }

    static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new ArgumentException($"{name} takes a positive whole number, not '{text}'");
}
