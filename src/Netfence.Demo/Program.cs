using Netfence.Bpf.Links;
using Netfence.Demo;
using Spectre.Console;

// netfence-demo [--tc-mode auto|tcx|netlink]
var mode = TcAttachMode.Auto;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--tc-mode" && i + 1 < args.Length && Enum.TryParse<TcAttachMode>(args[++i], ignoreCase: true, out var m)) mode = m;
    else
    {
        Console.Error.WriteLine($"netfence-demo: unknown argument '{args[i]}' (usage: netfence-demo [--tc-mode auto|tcx|netlink])");
        return 2;
    }
}

try
{
    var failures = new LoaderTour(mode).Run();
    if (failures.Count == 0)
    {
        AnsiConsole.MarkupLine("\n[bold green]Demo finished: every verdict was as expected.[/]");
        return 0;
    }
    AnsiConsole.MarkupLine("\n[bold red]Demo finished with unexpected results:[/]");
    foreach (var f in failures) AnsiConsole.MarkupLine($"  [red]{Markup.Escape(f)}[/]");
    return 1;
}
catch (Exception e)
{
    AnsiConsole.MarkupLine($"[bold red]netfence-demo failed:[/] {Markup.Escape(e.Message)}");
    return 1;
}
