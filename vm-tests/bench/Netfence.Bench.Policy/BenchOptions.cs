using System.Globalization;

namespace Netfence.Bench.Policy;

/// <summary>The command line of netfence-bench-policy.</summary>
internal sealed record BenchOptions(string OutputDirectory, string? Readme, int Edits, int Commands, int BulkRounds, int BulkCidrs)
{
    public const string Usage = """
        usage: netfence-bench-policy --out DIR [--readme README.md] [--edits 100] [--commands 200] [--bulk-rounds 5] [--bulk-cidrs 100000]
          --out          where policy.md and policy.json go
          --readme       replace the table between <!-- bench:policy:start --> and <!-- bench:policy:end -->
          --edits        rewrites of the built-in control plane's policy file, each timed until enforced
          --commands     single-rule changes pushed by an external control plane on the SDK, each timed until enforced
          --bulk-rounds  BulkUpdates of --bulk-cidrs CIDRs, each timed until enforced
          --bulk-cidrs   CIDRs in each BulkUpdate (at most 100,000, the daemon's limit per list)
        """;

    public static BenchOptions Parse(string[] args)
    {
        string? output = null, readme = null;
        int edits = 100, commands = 200, bulkRounds = 5, bulkCidrs = 100_000;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--out": output = Value(); break;
                case "--readme": readme = Value(); break;
                case "--edits": edits = Positive(args[i], Value()); break;
                case "--commands": commands = Positive(args[i], Value()); break;
                case "--bulk-rounds": bulkRounds = Positive(args[i], Value()); break;
                case "--bulk-cidrs": bulkCidrs = Positive(args[i], Value()); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        if (output is null) throw new ArgumentException("--out is required");
        if (bulkCidrs is < 3 or > 100_000) throw new ArgumentException($"--bulk-cidrs must be from 3 to 100000, not {bulkCidrs}");
        return new BenchOptions(output, readme, edits, commands, bulkRounds, bulkCidrs);
    }

    static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new ArgumentException($"{name} takes a positive whole number, not '{text}'");
}
