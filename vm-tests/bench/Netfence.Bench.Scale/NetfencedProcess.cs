using System.Diagnostics;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Netfence.Protocol.V1;
using Netfence.Protocol.Transport;

namespace Netfence.Bench.Scale;

/// <summary>
/// A netfenced process (the daemon, or its control plane) as an operator runs it, its output kept for the error
/// message when it fails; and a DaemonService client over the daemon's unix socket.
/// </summary>
internal sealed class NetfencedProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly List<string> _output = [];
    readonly TextWriter? _log;

    NetfencedProcess(Process process, string what, TextWriter? log)
    {
        _process = process;
        What = what;
        _log = log;
    }

    public string What { get; }
    public int Pid => _process.Id;

    /// <summary>Starts <paramref name="netfenced"/>; every line it writes also goes to <paramref name="log"/> when given.</summary>
    public static NetfencedProcess Start(string netfenced, string what, TextWriter? log, params string[] args)
    {
        var info = new ProcessStartInfo(netfenced, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{netfenced} did not start");
        var started = new NetfencedProcess(process, what, log);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _log?.WriteLine(line);
            _output.Add(line);
            if (_output.Count > 200) _output.RemoveAt(0);
        }
    }

    /// <summary>The last lines it wrote, for an error message.</summary>
    public string Tail()
    {
        lock (_output) return string.Join('\n', _output.TakeLast(15));
    }

    public void ThrowIfExited()
    {
        if (_process.HasExited)
            throw new InvalidOperationException($"{What} exited with code {_process.ExitCode}:\n{Tail()}");
    }

    /// <summary>Resident memory, from /proc (VmRSS).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
        }
        throw new InvalidOperationException($"/proc/{_process.Id}/status has no VmRSS");
    }

    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{What} did not exit within {timeout.TotalSeconds} s:\n{Tail()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    public static GrpcChannel Channel(string socketPath) => GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = (_, cancellationToken) => UnixSocketTransport.ConnectAsync(socketPath, cancellationToken),
        },
        DisposeHttpClient = true,
    });

    /// <summary>Polls GetStatus (every 5 ms) until <paramref name="done"/> holds; the process must stay up.</summary>
    public async Task<DaemonStatus> WaitForStatusAsync(DaemonService.DaemonServiceClient client, Func<DaemonStatus, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        DaemonStatus? last = null;
        while (true)
        {
            ThrowIfExited();
            try
            {
                last = await client.GetStatusAsync(new Empty());
                if (done(last)) return last;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds} s (last status: {last}):\n{Tail()}");
            await Task.Delay(5);
        }
    }

    /// <summary>Waits until something accepts connections on the unix socket <paramref name="path"/>.</summary>
    public async Task WaitForSocketAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            ThrowIfExited();
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
        }
    }
}
