namespace Netfence.Bench.Report.Tests;

public class ReportOptionsTests
{
    static readonly string[] Required = ["--in", "artifacts/bench", "--started", "1795000000", "--load-average", "30.50", "--commit", "565148b"];

    [Fact]
    public void Parses_what_build_sh_passes()
    {
        var options = ReportOptions.Parse([.. Required, "--readme", "README.md"]);
        Assert.Equal("artifacts/bench", options.BenchDirectory);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795000000), options.Started);
        Assert.Equal(("30.50", "565148b", "README.md", false), (options.LoadAverage, options.Commit, options.Readme, options.Quick));
    }

    [Fact]
    public void A_quick_run_never_writes_the_readme()
    {
        var e = Assert.Throws<ArgumentException>(() => ReportOptions.Parse([.. Required, "--quick", "--readme", "README.md"]));
        Assert.Equal("--quick runs never go to the README: drop --readme", e.Message);
        Assert.True(ReportOptions.Parse([.. Required, "--quick"]).Quick);
    }

    [Theory]
    [InlineData("--started", "yesterday", "--started takes whole seconds since 1970 (date +%s), not 'yesterday'")]
    [InlineData("--load-average", "high", "--load-average takes a number such as 1.25, not 'high'")]
    public void Bad_values_are_named(string option, string value, string message)
    {
        var args = Required.ToArray();
        args[Array.IndexOf(args, option) + 1] = value;
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => ReportOptions.Parse(args)).Message);
    }

    [Fact]
    public void Missing_options_are_named()
    {
        Assert.Equal("--commit is required", Assert.Throws<ArgumentException>(() => ReportOptions.Parse(Required[..6])).Message);
        Assert.Equal("unknown argument '--rounds'", Assert.Throws<ArgumentException>(() => ReportOptions.Parse([.. Required, "--rounds"])).Message);
    }
}
