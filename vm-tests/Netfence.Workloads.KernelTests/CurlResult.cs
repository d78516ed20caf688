using Netfence.Sandbox;

namespace Netfence.Workloads.KernelTests;

/// <summary>What <c>curl</c> inside a workload did: its exit code (0 got the page, 6 could not resolve the host, 7 could not connect, 28 timed out) and output.</summary>
public sealed record CurlResult(int ExitCode, string Body, string Error)
{
    /// <summary>curl's exit code when the name did not resolve.</summary>
    public const int CouldNotResolve = 6;

    /// <summary>curl's exit code when connect() failed (a cgroup filter's EPERM).</summary>
    public const int CouldNotConnect = 7;

    /// <summary>curl's exit code when the time ran out (a TC drop: no answer ever comes).</summary>
    public const int TimedOut = 28;

    public static CurlResult From(Command.Result curl) => new(curl.ExitCode, curl.StdOut.Trim(), curl.StdErr.Trim());

    /// <summary>Whether the page came back.</summary>
    public bool GotPage => ExitCode == 0 && Body.StartsWith("hello from ", StringComparison.Ordinal);

    public override string ToString() => $"curl exit {ExitCode}: {(Body.Length > 0 ? Body : Error)}";
}
