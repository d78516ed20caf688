using System.Text.Json.Nodes;
using Netfence.Bench.Report;
using Netfence.Bench.Report.Inputs;

namespace Netfence.Bench.Report.Tests;

/// <summary>
/// The benchmarks' JSON files as real runs wrote them (Fixtures/*.json: datapath from a full run, the others from
/// runs on this VM), loaded as the report reads them, or edited first to test what it does with a bad file.
/// </summary>
static class Fixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Text(string name) => File.ReadAllText(Path.Combine(Directory, name + ".json"));

    public static BenchFile Load(string name) => BenchFile.Read(Directory, name);

    /// <summary>The fixture with <paramref name="edit"/> applied to its JSON tree.</summary>
    public static BenchFile Edited(string name, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(Text(name))!;
        edit(node);
        return BenchFile.Parse(name, $"edited/{name}.json", node.ToJsonString());
    }

    public static IReadOnlyList<BenchFile> All() => CombinedReport.Benchmarks.Select(Load).ToList();

    /// <summary>A machine whose run started before every fixture (the earliest of them, less a minute).</summary>
    public static Machine Machine() => Machine(All().Min(f => f.Started).AddMinutes(-1));

    public static Machine Machine(DateTimeOffset started) =>
        new("6.18.44-test", "AMD EPYC", 2, 24L * 1024 * 1024 * 1024, "30.50", started, "565148b", TimeSpan.FromSeconds(312));
}
