using System.Runtime.InteropServices;
using Netfence.Bpf.Links;
using Netfence.Demo;
using Netfence.Demo.Product;
using Netfence.Sandbox.Lab;
using Netfence.Sandbox.Probing;
using Spectre.Console;

// netfence-demo                                    the product demo (netfenced, a build job and a VM, a policy edit)
// netfence-demo --loader-tour [--tc-mode MODE]     the managed loader on its own (a port filter at TC ingress)
// netfence-demo probe-agent                        (internal) the agent the demo runs inside each workload
const string Usage = "usage: netfence-demo [--netfenced PATH] | netfence-demo --loader-tour [--tc-mode auto|tcx|netlink]";

if (args is ["probe-agent"])
{
    ProbeAgent.Run(Console.In, Console.Out);
    return 0;
}

if (args.Length > 0 && args[0] == "--loader-tour") return LoaderTour(args[1..]);

string? netfenced = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--netfenced" && i + 1 < args.Length) netfenced = args[++i];
    else return BadUsage($"unknown argument '{args[i]}'");
}
// Tables are wide: when the output goes to a file or a pipe, do not squeeze them into 80 columns.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 200;

using var interrupted = new CancellationTokenSource();
// Ctrl-C and SIGTERM stop the demo, which then cleans up; the processes it started get no signal of their own
// (netfenced runs in its own session) so that it can stop them in order.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    interrupted.Cancel();
});
var command = netfenced is null ? NetfencedProcess.Locate(AppContext.BaseDirectory) : [Path.GetFullPath(netfenced)];
return await new ProductDemo(SelfCommand("probe-agent"), command).RunAsync(interrupted.Token);

// How to run this program again (inside a workload): its apphost, or `dotnet exec` of its assembly.
static IReadOnlyList<string> SelfCommand(string argument)
{
    var path = Environment.ProcessPath ?? throw new InvalidOperationException("the demo cannot find its own executable");
    return Path.GetFileNameWithoutExtension(path) == "dotnet"
        ? [path, "exec", typeof(ProductDemo).Assembly.Location, argument]
        : [path, argument];
}

static int LoaderTour(string[] args)
{
    var mode = TcAttachMode.Auto;
    for (int i = 0; i < args.Length; i++)
    {
        if (args[i] == "--tc-mode" && i + 1 < args.Length && Enum.TryParse<TcAttachMode>(args[++i], ignoreCase: true, out var m)) mode = m;
        else return BadUsage($"unknown argument '{args[i]}' for --loader-tour");
    }
    try
    {
        var failures = new LoaderTour(mode).Run();
        if (failures.Count == 0)
        {
            AnsiConsole.MarkupLine("\n[bold green]Loader tour finished: every verdict was as expected.[/]");
            return 0;
        }
        AnsiConsole.MarkupLine("\n[bold red]Loader tour finished with unexpected results:[/]");
        foreach (var f in failures) AnsiConsole.MarkupLine($"  [red]{Markup.Escape(f)}[/]");
        return 1;
    }
    catch (Exception e)
    {
        AnsiConsole.MarkupLine($"[bold red]netfence-demo --loader-tour failed:[/] {Markup.Escape(e.Message)}");
        return 1;
    }
}

static int BadUsage(string problem)
{
    Console.Error.WriteLine($"netfence-demo: {problem} ({Usage})");
    return 2;
}
