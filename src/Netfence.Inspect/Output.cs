using Spectre.Console;

namespace Netfence.Inspect;

/// <summary>
/// Writes lines and tables: plain aligned text when the output is a file or pipe (and in tests),
/// Spectre.Console colours and boxed tables on a terminal.
/// </summary>
public sealed class Output
{
    readonly TextWriter _writer;
    readonly IAnsiConsole? _console;

    public Output(TextWriter writer, bool terminal)
    {
        _writer = writer;
        if (terminal)
            _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.Detect, ColorSystem = ColorSystemSupport.Detect });
    }

    /// <summary>One line; <paramref name="style"/> (a Spectre style such as "red bold") applies on a terminal only.</summary>
    public void Line(string text = "", string? style = null)
    {
        if (_console is null || style is null) _writer.WriteLine(text);
        else _console.MarkupLine($"[{style}]{Markup.Escape(text)}[/]");
    }

    /// <summary>A table with a title line.</summary>
    public void Table(string title, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var data = rows.ToList();
        if (_console is not null)
        {
            var table = new Table { Title = new TableTitle(Markup.Escape(title)), Border = TableBorder.Rounded };
            foreach (var h in headers) table.AddColumn(Markup.Escape(h));
            foreach (var r in data) table.AddRow(r.Select(Markup.Escape).ToArray());
            _console.Write(table);
            return;
        }
        _writer.WriteLine(title);
        var widths = headers.Select((h, i) => Math.Max(h.Length, data.Count == 0 ? 0 : data.Max(r => r[i].Length))).ToArray();
        _writer.WriteLine("  " + string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var r in data) _writer.WriteLine("  " + string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
    }
}
