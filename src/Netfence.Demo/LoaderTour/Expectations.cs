namespace Netfence.Demo;

/// <summary>Tallies observed versus expected outcomes so the demo can fail loudly.</summary>
sealed class Expectations
{
    readonly List<string> _failures = [];

    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Records one check; returns a short coloured verdict for a table cell.</summary>
    public string Check(string what, bool expected, bool actual, string yes, string no, bool yesIsGood = true)
    {
        if (expected != actual) _failures.Add($"{what}: expected {(expected ? yes : no)}, saw {(actual ? yes : no)}");
        var text = actual == yesIsGood ? $"[green]{(actual ? yes : no)}[/]" : $"[red]{(actual ? yes : no)}[/]";
        return expected == actual ? text : text + " [bold red](unexpected)[/]";
    }
}
