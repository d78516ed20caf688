using System.Diagnostics;

namespace Netfence.Sandbox;

/// <summary>Runs a helper command (ip, clang, ...) for test set-up, failing loudly with its output.</summary>
public static class Command
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>Runs a command and returns its result without judging the exit code.</summary>
    public static Result Try(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 120 s");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Starts <paramref name="command"/> (the program and its arguments) with stdin, stdout and stderr redirected, for
    /// the long-running helpers that talk to a test over pipes (<see cref="BackgroundProcess"/>, the probe agent).
    /// </summary>
    public static Process StartRedirected(IReadOnlyList<string> command, string description)
    {
        if (command.Count == 0) throw new ArgumentException($"the command for {description} is empty", nameof(command));
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {description}");
    }

    /// <summary>Runs a command and throws, with its output, unless it exits 0.</summary>
    public static string Run(string file, params string[] args)
    {
        var r = Try(file, args);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` exited {r.ExitCode}: {r.StdErr.Trim()} {r.StdOut.Trim()}");
        return r.StdOut;
    }
}
