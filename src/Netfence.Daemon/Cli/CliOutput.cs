using System.Text.Json;
using Google.Protobuf;
using Spectre.Console;

namespace Netfence.Daemon.Cli;

/// <summary>How the CLI writes: tables and spinners for people, JSON for programs, one line on stderr for errors.</summary>
static class CliOutput
{
    static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    public static void Json(IMessage message) => Console.Out.WriteLine(Formatter.Format(message));

    public static void JsonObject(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Runs <paramref name="work"/> under a spinner when stdout is a terminal (and not in JSON mode).</summary>
    public static async Task<T> WhileWaiting<T>(string what, bool json, Func<Task<T>> work)
    {
        if (json || Console.IsOutputRedirected) return await work();
        T result = default!;
        await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync(what, async _ => result = await work());
        return result;
    }

    /// <summary>The one line an error gets; returns the exit code.</summary>
    public static int Error(string message, int exitCode = 1)
    {
        Console.Error.WriteLine($"netfenced: {message}");
        return exitCode;
    }
}
