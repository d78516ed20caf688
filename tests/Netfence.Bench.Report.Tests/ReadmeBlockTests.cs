namespace Netfence.Bench.Report.Tests;

public class ReadmeBlockTests
{
    [Fact]
    public void The_report_replaces_only_its_own_block()
    {
        var readme = Path.GetTempFileName();
        try
        {
            File.WriteAllText(readme, "# README\n<!-- bench:report:start -->\nold report\n<!-- bench:report:end -->\n\n<!-- bench:dns:start -->\ndns table\n<!-- bench:dns:end -->\n");
            var markdown = CombinedReport.Build(Fixtures.Machine(), Fixtures.All(), quick: false).ToMarkdown();
            Netfence.Bench.ReadmeTable.Replace(readme, "report", markdown);
            var text = File.ReadAllText(readme);
            Assert.Contains("<!-- bench:report:start -->\n" + markdown + "<!-- bench:report:end -->", text);
            Assert.DoesNotContain("old report", text);
            Assert.Contains("<!-- bench:dns:start -->\ndns table\n<!-- bench:dns:end -->", text);
        }
        finally
        {
            File.Delete(readme);
        }
    }
}
