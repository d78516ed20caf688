using System.Diagnostics;

namespace Netfence.Sandbox;

/// <summary>
/// A long-running helper (a <c>nc</c> listener, a client holding a TCP connection open) started for a test: its stdin
/// stays open for <see cref="WriteLine"/>, and every line it writes to stdout or stderr is kept, so a test can poll for
/// what it received. Dispose kills it (and its children) and waits for it.
/// </summary>
public sealed class BackgroundProcess : IDisposable
{
    readonly Process _process;
    readonly List<string> _output = [];
    readonly string _description;

    /// <summary>Starts <paramref name="command"/> (the program and its arguments).</summary>
    public BackgroundProcess(IReadOnlyList<string> command)
    {
        _description = string.Join(' ', command);
        _process = Command.StartRedirected(command, _description);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Its process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Every line it wrote so far (stdout and stderr interleaved as they arrived).</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output) return [.. _output];
        }
    }

    /// <summary>Whether any line it wrote contains <paramref name="text"/>.</summary>
    public bool Wrote(string text) => Output.Any(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Writes a line to its stdin and flushes it.</summary>
    public void WriteLine(string line)
    {
        if (_process.HasExited) throw new InvalidOperationException($"{_description} has exited ({_process.ExitCode}): {string.Join(" / ", Output)}");
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    /// <inheritdoc/>
    public override string ToString() => _description;

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
