using System.Diagnostics;
using System.Runtime.InteropServices;
using Netfence.Bench.Scale;
using Netfence.Protocol.V1;

// netfence-bench-scale: see BenchOptions.Usage; `./build.sh bench scale` passes the paths.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"netfence-bench-scale: {e.Message}\n{BenchOptions.Usage}");
    return 2;
}
if (geteuid() != 0)
{
    Console.Error.WriteLine("netfence-bench-scale: netfenced attaches eBPF programs to cgroups: run it as root");
    return 2;
}

using var cancel = new CancellationTokenSource();
// Ctrl-C and SIGTERM end the run through its cleanup (processes killed, cgroups and pins removed).
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    var report = await new ScaleRun(options, cancel.Token).RunAsync();
    Netfence.Bench.BenchReportWriter.Publish(report, "scale", "Scale benchmark", options.OutputDirectory, options.Readme);
    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("netfence-bench-scale: interrupted; netfenced was stopped and the cgroups and pins removed");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"netfence-bench-scale failed: {e}");
    return 1;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}

[DllImport("libc", SetLastError = false)]
static extern uint geteuid();
