using System.Net;
using System.Text.RegularExpressions;
using Netfence.Sandbox;

namespace Netfence.Workloads.KernelTests;

/// <summary>
/// What <c>dig NAME A</c> inside a workload printed: the response code (null when no server answered at all), the
/// server that answered (from dig's <c>;; SERVER:</c> line, so a test can tell it was the attachment's), and the
/// A records of the answer section.
/// </summary>
public sealed partial record DigAnswer(string? Status, IPEndPoint? Server, IReadOnlyList<IPAddress> Addresses, string Output)
{
    /// <summary>Reads dig's default output.</summary>
    public static DigAnswer Parse(Command.Result dig)
    {
        var text = dig.StdOut + dig.StdErr;
        var status = StatusLine().Match(text) is { Success: true } s ? s.Groups[1].Value : null;
        var server = ServerLine().Match(text) is { Success: true } v ? new IPEndPoint(IPAddress.Parse(v.Groups[1].Value), int.Parse(v.Groups[2].Value)) : null;
        var addresses = AnswerLine().Matches(text).Select(m => IPAddress.Parse(m.Groups[1].Value)).ToList();
        return new DigAnswer(status, server, addresses, text.Trim());
    }

    [GeneratedRegex(@"status: ([A-Z]+),")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^;; SERVER: ([0-9.]+)#(\d+)", RegexOptions.Multiline)]
    private static partial Regex ServerLine();

    [GeneratedRegex(@"^\S+\s+\d+\s+IN\s+A\s+([0-9.]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AnswerLine();

    public override string ToString() => $"{Status ?? "no answer"} from {Server?.ToString() ?? "no server"}: [{string.Join(", ", Addresses)}]\n{Output}";
}
