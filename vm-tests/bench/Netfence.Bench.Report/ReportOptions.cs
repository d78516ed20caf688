using System.Globalization;

namespace Netfence.Bench.Report;

/// <summary>The command line of netfence-bench-report.</summary>
internal sealed record ReportOptions(string BenchDirectory, string? Readme, DateTimeOffset Started, string LoadAverage, string Commit, bool Quick)
{
    public const string Usage = """
        usage: netfence-bench-report --in DIR --started UNIX_SECONDS --load-average L --commit C [--readme README.md] [--quick]
          --in            where the benchmarks wrote datapath.json, dns.json, policy.json, scale.json; report.md goes there too
          --started       when the run began (date +%s): a JSON file older than that is refused as not from this run
          --load-average  the 1-minute load average when the run began (/proc/loadavg)
          --commit        the git commit the run built (with -dirty for uncommitted changes)
          --readme        replace the table between <!-- bench:report:start --> and <!-- bench:report:end -->
          --quick         the benchmarks ran with short options: say so, and refuse --readme
        """;

    public static ReportOptions Parse(string[] args)
    {
        string? input = null, readme = null, load = null, commit = null;
        DateTimeOffset? started = null;
        bool quick = false;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--in": input = Value(); break;
                case "--readme": readme = Value(); break;
                case "--started":
                    var text = Value();
                    started = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                        ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                        : throw new ArgumentException($"--started takes whole seconds since 1970 (date +%s), not '{text}'");
                    break;
                case "--load-average":
                    load = Value();
                    if (!double.TryParse(load, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
                        throw new ArgumentException($"--load-average takes a number such as 1.25, not '{load}'");
                    break;
                case "--commit": commit = Value(); break;
                case "--quick": quick = true; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        if (input is null) throw new ArgumentException("--in is required");
        if (started is null) throw new ArgumentException("--started is required");
        if (load is null) throw new ArgumentException("--load-average is required");
        if (string.IsNullOrWhiteSpace(commit)) throw new ArgumentException("--commit is required");
        if (quick && readme is not null) throw new ArgumentException("--quick runs never go to the README: drop --readme");
        return new ReportOptions(input, readme, started.Value, load, commit, quick);
    }
}
