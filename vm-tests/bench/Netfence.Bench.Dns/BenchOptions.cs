using System.Globalization;

namespace Netfence.Bench.Dns;

/// <summary>The command line of netfence-bench-dns.</summary>
internal sealed record BenchOptions(string OutputDirectory, string? Readme, string Relay, int Rounds, TimeSpan ThroughputRun, TimeSpan LatencyRun, int Outstanding, int Names,
    TimeSpan BusyPoll)
{
    /// <summary>How long the servers' idle CPU is measured, after the runs.</summary>
    public TimeSpan IdleRun { get; } = TimeSpan.FromSeconds(3);

    public const string Usage = """
        usage: netfence-bench-dns --out DIR --relay PATH [--readme README.md] [--rounds 5] [--seconds 4] [--latency-seconds 2] [--outstanding 32] [--names 1000] [--busy-poll-us N]
          --out              where dns.md and dns.json go
          --relay            the floor hop: vm-tests/bench/reference/udp_relay.c built for this host (./build.sh bench dns builds it)
          --readme           replace the table between <!-- bench:dns:start --> and <!-- bench:dns:end -->
          --rounds           rounds; each runs every configuration once for throughput and once for latency, in rotated order
          --seconds          length of one throughput run (dnsperf -l) with --outstanding queries in flight
          --latency-seconds  length of one latency run (one query outstanding, every answer timed)
          --outstanding      queries dnsperf keeps in flight in a throughput run (below the server's 64 per attachment)
          --names            distinct allowed names in the query file (all fit the 1,024-entry cache)
          --busy-poll-us     the busy-polling budget of the servers that poll, in µs (default: the shipped DnsServerOptions.BusyPoll);
                             the others never poll
        """;

    public static BenchOptions Parse(string[] args)
    {
        string? output = null, readme = null, relay = null;
        int rounds = 5, outstanding = 32, names = 1000;
        var busyPoll = Netfence.Daemon.Configuration.DnsSettings.DefaultBusyPoll;
        double seconds = 4, latencySeconds = 2;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--out": output = Value(); break;
                case "--readme": readme = Value(); break;
                case "--relay": relay = Value(); break;
                case "--rounds": rounds = Positive(args[i], Value()); break;
                case "--seconds": seconds = Positive(args[i], Value()); break;
                case "--latency-seconds": latencySeconds = Positive(args[i], Value()); break;
                case "--outstanding": outstanding = Positive(args[i], Value()); break;
                case "--names": names = Positive(args[i], Value()); break;
                case "--busy-poll-us": busyPoll = TimeSpan.FromMicroseconds(Positive(args[i], Value())); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        if (output is null) throw new ArgumentException("--out is required");
        if (relay is null) throw new ArgumentException("--relay is required (the floor hop, vm-tests/bench/reference/udp_relay.c built for this host)");
        if (!File.Exists(relay)) throw new ArgumentException($"--relay: no file at '{relay}'");
        return new BenchOptions(output, readme, relay, rounds, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(latencySeconds), outstanding, names, busyPoll);
    }

    static int Positive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new ArgumentException($"{name} takes a positive whole number, not '{text}'");
}
