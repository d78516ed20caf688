using System.Reflection;
using System.Text.RegularExpressions;
using Netfence.Bpf.Diagnostics;

namespace Netfence.Bpf.Analyzers.Tests;

public sealed partial class CatalogueTests
{
    [Fact]
    public void Every_entry_has_id_title_message_category_and_help()
    {
        foreach (var entry in DiagnosticCatalogue.All)
        {
            Assert.Matches(IdPattern(), entry.Id);
            Assert.False(string.IsNullOrWhiteSpace(entry.Title), entry.Id);
            Assert.False(string.IsNullOrWhiteSpace(entry.MessageFormat), entry.Id);
            Assert.False(string.IsNullOrWhiteSpace(entry.Help), entry.Id);
            Assert.StartsWith("Netfence.Bpf.", entry.Category);
        }
    }

    [Fact]
    public void Ids_are_unique_and_in_order() =>
        Assert.Equal(DiagnosticCatalogue.All.Select(e => e.Id).Distinct().OrderBy(i => i, StringComparer.Ordinal),
            DiagnosticCatalogue.All.Select(e => e.Id));

    [Fact]
    public void Every_id_constant_has_exactly_one_entry()
    {
        var constants = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetValue(null)!).OrderBy(i => i, StringComparer.Ordinal);
        Assert.Equal(constants, DiagnosticCatalogue.All.Select(e => e.Id));
    }

    [Fact]
    public void The_analyzer_supports_exactly_the_entries_it_can_see_with_the_catalogue_text()
    {
        var supported = new NetfenceBpfAnalyzer().SupportedDiagnostics.ToDictionary(d => d.Id);
        foreach (var entry in DiagnosticCatalogue.All)
        {
            if (entry.Stage == DiagnosticStage.IlWalkerOnly)
            {
                Assert.False(supported.ContainsKey(entry.Id), $"{entry.Id} is documented as IL-walker-only");
                continue;
            }

            var descriptor = supported[entry.Id];
            Assert.Equal(entry.Title, descriptor.Title.ToString());
            Assert.Equal(entry.MessageFormat, descriptor.MessageFormat.ToString());
            Assert.Equal(entry.Category, descriptor.Category);
            Assert.Equal(entry.Help, descriptor.Description.ToString());
            Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        }

        Assert.Equal(DiagnosticCatalogue.All.Count(e => e.Stage != DiagnosticStage.IlWalkerOnly), supported.Count);
    }

    [Fact]
    public void Every_analyzer_entry_has_a_rejecting_and_an_accepting_test()
    {
        var tests = typeof(RuleTests).GetMethods().Select(m => m.Name).ToArray();
        foreach (var entry in DiagnosticCatalogue.All.Where(e => e.Stage != DiagnosticStage.IlWalkerOnly))
        {
            Assert.Contains(tests, t => t.StartsWith(entry.Id + "_rejects", StringComparison.Ordinal));
            Assert.Contains(tests, t => t.StartsWith(entry.Id + "_accepts", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Release_tracking_lists_every_analyzer_rule()
    {
        var unshipped = File.ReadAllText(Path.Combine(RepositoryRoot(), "compiler", "Netfence.Bpf.Analyzers", "AnalyzerReleases.Unshipped.md"));
        foreach (var entry in DiagnosticCatalogue.All.Where(e => e.Stage != DiagnosticStage.IlWalkerOnly))
            Assert.Contains($"{entry.Id} | {entry.Category} | Error |", unshipped);
    }

    [Fact]
    public void Messages_format_with_their_placeholders()
    {
        foreach (var entry in DiagnosticCatalogue.All)
        {
            var message = entry.Format("a", "b", "c", "d", "e");
            Assert.DoesNotContain("{", message);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Netfence.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("Netfence.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("^NF[0-9]{4}$")]
    private static partial Regex IdPattern();
}
