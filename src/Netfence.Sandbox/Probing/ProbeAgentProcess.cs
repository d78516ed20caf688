using System.Runtime.Versioning;
using System.Diagnostics;
using System.Text.Json;

namespace Netfence.Sandbox.Probing;

/// <summary>
/// A running <see cref="ProbeAgent"/> inside a workload, driven over its stdin and stdout: one attempt at a time.
/// Disposing closes its input, so it ends; one that does not is killed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ProbeAgentProcess : IDisposable
{
    static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(30);
    readonly Process _process;
    readonly SemaphoreSlim _one = new(1, 1);
    readonly string _description;

    /// <summary>Starts <paramref name="command"/>, which must run <see cref="ProbeAgent.Run"/> on its stdin and stdout.</summary>
    public ProbeAgentProcess(IReadOnlyList<string> command, string description)
    {
        _description = description;
        _process = Command.StartRedirected(command, $"the probe agent in {description}");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (Errors) Errors.Add(e.Data);
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>The agent's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>What the agent wrote to stderr.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Has the agent make <paramref name="request"/> and returns what it saw.</summary>
    public async Task<ProbeResult> AttemptAsync(ProbeRequest request, CancellationToken cancellationToken = default)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(request, ProbeAgent.Json).AsMemory(), cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
            var line = await _process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(AnswerDeadline, cancellationToken)
                ?? throw new InvalidOperationException($"the probe agent in {_description} exited: {string.Join(" / ", Errors)}");
            return JsonSerializer.Deserialize<ProbeResult>(line, ProbeAgent.Json)
                ?? throw new InvalidOperationException($"the probe agent in {_description} answered null");
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It is already gone.
        }
        if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        _one.Dispose();
    }
}
