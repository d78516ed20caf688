using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Netfence.Protocol.V1;

namespace Netfence.Bench.Scale;

/// <summary>
/// One run: a control plane process and a daemon process on scratch paths; every figure with no attachments first,
/// then with N, so the report can show what the attachments cost beside what netfenced costs anyway.
/// </summary>
internal sealed class ScaleRun(BenchOptions options, CancellationToken cancellationToken)
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    Scratch _scratch = null!;
    NetfencedProcess? _controlPlane;
    NetfencedProcess? _daemon;
    GrpcChannel? _channel;
    TextWriter? _log;
    DaemonService.DaemonServiceClient _client = null!;

    string ControlPlaneSocket => _scratch["control.sock"];
    string ApiSocket => _scratch["api.sock"];

    public async Task<ScaleReport> RunAsync()
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var loadAverage = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        _scratch = new Scratch(options.Attachments);
        Directory.CreateDirectory(options.OutputDirectory);
        // Both processes' logs (JSON, millisecond timestamps), to find where the time of a slow figure went.
        _log = TextWriter.Synchronized(new StreamWriter(Path.Combine(options.OutputDirectory, "scale-netfenced.log")) { AutoFlush = true });
        try
        {
            var config = WriteConfig();
            StartControlPlane();
            await _controlPlane!.WaitForSocketAsync(ControlPlaneSocket, StartTimeout);

            Mark("start, no attachments");
            var startEmpty = await StartDaemonAsync(config, expected: 0);
            Mark("resync, no attachments");
            var resyncEmpty = await ResyncAsync(expectedAttachments: 0);
            var rssEmpty = await SettledRssAsync();

            Mark($"attaching {options.Attachments}");
            var attach = new List<double>(options.Attachments);
            var ids = new List<string>(options.Attachments);
            foreach (var cgroup in _scratch.Cgroups)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var watch = Stopwatch.StartNew();
                var reply = await _client.AttachAsync(new AttachRequest { CgroupPath = cgroup, Metadata = { ["bench"] = "scale" } });
                attach.Add(watch.Elapsed.TotalMilliseconds);
                ids.Add(reply.Id);
            }
            var rssFull = await SettledRssAsync();

            var listWatch = Stopwatch.StartNew();
            var listed = await ListAllAsync();
            var list = listWatch.Elapsed;
            if (!listed.SetEquals(ids)) throw new InvalidOperationException($"List returned {listed.Count} ids, not the {ids.Count} attached");

            Mark($"resync, {options.Attachments} attachments");
            var resyncFull = await ResyncAsync(expectedAttachments: options.Attachments);
            Mark("restart");

            // Restart: a clean stop (pins stay), then a new process that adopts every attachment.
            await _client.ShutdownAsync(new ShutdownRequest(), cancellationToken: cancellationToken);
            await _daemon!.WaitForExitAsync(TimeSpan.FromMinutes(2));
            await _daemon.DisposeAsync();
            _channel!.Dispose();
            var restartFull = await StartDaemonAsync(config, expected: options.Attachments);
            var rssAdopted = await SettledRssAsync();

            Mark("detaching all");
            var detach = new List<double>(ids.Count);
            var detachAll = Stopwatch.StartNew();
            foreach (var id in ids)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var watch = Stopwatch.StartNew();
                await _client.DetachAsync(new DetachRequest { Id = id });
                detach.Add(watch.Elapsed.TotalMilliseconds);
            }
            var detachTotal = detachAll.Elapsed;
            var left = (await _client.GetStatusAsync(new Empty())).AttachmentCount;
            if (left != 0) throw new InvalidOperationException($"{left} attachments are left after detaching every one");

            return new ScaleReport(started, clock.Elapsed, loadAverage, options.Attachments,
                startEmpty, restartFull, resyncEmpty, resyncFull, rssEmpty, rssFull, rssAdopted,
                [.. attach], [.. detach], detachTotal, list);
        }
        finally
        {
            await StopAsync();
            _scratch.Dispose();
            _log.Dispose();
        }
    }

    void Mark(string phase) => _log?.WriteLine($"--- {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} bench: {phase}");

    string WriteConfig()
    {
        var path = _scratch["netfenced.yaml"];
        // Short reconnect backoff: the resync figure is the sync itself, not the wait before the reconnect.
        File.WriteAllText(path, $"""
            socket:
              path: {ApiSocket}
            data_dir: {_scratch["data"]}
            datapath:
              pin_dir: {_scratch.PinDirectory}
            dns:
              port_range_start: 12000
              port_range_end: 21999
            control_plane:
              address: unix://{ControlPlaneSocket}
              reconnect_backoff_initial: 10ms
              reconnect_backoff_max: 20ms
            log:
              format: json
              level: information
            """);
        return path;
    }

    void StartControlPlane() =>
        _controlPlane = NetfencedProcess.Start(options.Netfenced, "netfenced controlplane", _log, "controlplane", "--listen", ControlPlaneSocket);

    // From the process start until it answers with every attachment adopted and the control plane synced.
    async Task<TimeSpan> StartDaemonAsync(string config, int expected)
    {
        var watch = Stopwatch.StartNew();
        _daemon = NetfencedProcess.Start(options.Netfenced, "netfenced start", _log, "start", "--config", config);
        _channel = NetfencedProcess.Channel(ApiSocket);
        _client = new DaemonService.DaemonServiceClient(_channel);
        var status = await _daemon.WaitForStatusAsync(_client, s => s.ControlPlaneState == ConnectionState.Connected, StartTimeout, "netfenced answering, connected");
        if (status.AttachmentCount != expected)
            throw new InvalidOperationException($"netfenced started with {status.AttachmentCount} attachments, not {expected}:\n{_daemon.Tail()}");
        return watch.Elapsed;
    }

    // The control plane is killed and started again; timed from when it accepts connections until netfenced has sent
    // SyncRequest with every attachment and has the SyncAck (it reports Connected only then).
    async Task<TimeSpan> ResyncAsync(int expectedAttachments)
    {
        _controlPlane!.Kill();
        await _controlPlane.DisposeAsync();
        await _daemon!.WaitForStatusAsync(_client, s => s.ControlPlaneState != ConnectionState.Connected, StartTimeout, "netfenced noticing the control plane is gone");
        StartControlPlane();
        await _controlPlane!.WaitForSocketAsync(ControlPlaneSocket, StartTimeout);
        var watch = Stopwatch.StartNew();
        var status = await _daemon.WaitForStatusAsync(_client, s => s.ControlPlaneState == ConnectionState.Connected, StartTimeout, "netfenced resyncing");
        var elapsed = watch.Elapsed;
        if (status.AttachmentCount != expectedAttachments)
            throw new InvalidOperationException($"netfenced has {status.AttachmentCount} attachments after the resync, not {expectedAttachments}");
        return elapsed;
    }

    // RSS once the process has been idle for a moment (what a host sees between bursts of work).
    async Task<long> SettledRssAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        return _daemon!.ResidentBytes();
    }

    async Task<HashSet<string>> ListAllAsync()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string token = "";
        do
        {
            var page = await _client.ListAsync(new ListRequest { PageSize = 100, PageToken = token });
            if (page.TotalCount != options.Attachments)
                throw new InvalidOperationException($"List reports a total of {page.TotalCount}, not {options.Attachments}");
            foreach (var a in page.Attachments) ids.Add(a.Id);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return ids;
    }

    async Task StopAsync()
    {
        if (_daemon is not null)
        {
            try
            {
                // Detaches whatever is left and removes every pin, so the cgroups can go.
                await _client.ShutdownAsync(new ShutdownRequest { RemoveFilters = true });
                await _daemon.WaitForExitAsync(TimeSpan.FromMinutes(2));
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"netfence-bench-scale: stopping netfenced with --remove-filters failed ({e.Message}); killing it");
            }
            await _daemon.DisposeAsync();
        }
        _channel?.Dispose();
        if (_controlPlane is not null) await _controlPlane.DisposeAsync();
    }
}
