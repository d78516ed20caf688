using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Netfence.Policy.Commands;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;
using Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The daemon's side of the Connect stream, built on the generated client. It applies every command
/// with the daemon's own validation (<see cref="RuleCommands"/>), keeps each attachment's rule set and
/// rule_version as netfenced does, and answers with CommandResult unless it plays a v1 daemon.
/// </summary>
sealed class FakeDaemon(Protocol.V1.ControlPlane.ControlPlaneClient client, string daemonId, bool reportsResults, Dictionary<string, string>? metadata) : IAsyncDisposable
{
    Protocol.V1.ControlPlane.ControlPlaneClient client = client;

    public sealed class LocalAttachment(string id, string target, AttachmentType type, Dictionary<string, string> metadata)
    {
        public string Id { get; } = id;
        public string Target { get; } = target;
        public AttachmentType Type { get; } = type;
        public Dictionary<string, string> Metadata { get; } = metadata;
        public RuleSet Rules { get; set; } = RuleSet.BlockAll;
        public string RuleVersion { get; set; } = "";
    }

    readonly SemaphoreSlim writeLock = new(1, 1);
    readonly ConcurrentDictionary<string, LocalAttachment> attachments = new();
    Channel<ControlCommand> received = Channel.CreateUnbounded<ControlCommand>();
    AsyncDuplexStreamingCall<DaemonEvent, ControlCommand>? call;
    CancellationTokenSource? cancel;
    Task? reader;

    public string DaemonId { get; } = daemonId;

    /// <summary>Decides a NACK for a command: return (field, error) to reject it, null to apply it.</summary>
    public Func<ControlCommand, (string Field, string Error)?>? Reject { get; set; }

    /// <summary>Why the stream ended, once it has.</summary>
    public RpcException? StreamError { get; private set; }

    public bool StreamEnded => reader?.IsCompleted ?? false;

    public LocalAttachment Attachment(string id) => attachments[id];

    /// <summary>
    /// Opens a stream and sends SyncRequest with every local attachment and its rule_version (empty for a
    /// v1 daemon, which does not know the field); returns once SyncAck arrives.
    /// </summary>
    public async Task ConnectAsync()
    {
        await OpenAsync();
        var sync = new SyncRequest { DaemonId = DaemonId, Hostname = DaemonId + ".test" };
        if (metadata is not null) sync.Metadata.Add(metadata);
        foreach (var a in attachments.Values.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            var entry = new Protocol.V1.Attachment { Id = a.Id, Target = a.Target, Type = a.Type, Mode = (PolicyMode)(int)a.Rules.Mode, DnsMode = (DnsMode)(int)a.Rules.Dns.Mode, RuleVersion = reportsResults ? a.RuleVersion : "" };
            entry.Metadata.Add(a.Metadata);
            sync.Attachments.Add(entry);
        }
        await SendAsync(new DaemonEvent { Sync = sync });
        var ack = await NextAsync();
        Assert.Equal(ControlCommand.CommandOneofCase.SyncAck, ack.CommandCase);
    }

    /// <summary>Opens a stream without syncing (to send something else first).</summary>
    public async Task OpenAsync()
    {
        cancel = new CancellationTokenSource();
        received = Channel.CreateUnbounded<ControlCommand>();
        call = client.Connect(cancellationToken: cancel.Token);
        reader = Task.Run(ReadAsync);
    }

    /// <summary>Attaches locally, sends Subscribed and returns the SubscribedAck (already applied).</summary>
    public async Task<ControlCommand> SubscribeAsync(string id, Dictionary<string, string> labels, string? target = null)
    {
        var attachment = new LocalAttachment(id, target ?? "/sys/fs/cgroup/" + id, AttachmentType.Cgroup, labels);
        attachments[id] = attachment;
        var subscribed = new Subscribed { Id = id, Target = attachment.Target, Type = attachment.Type, Mode = PolicyMode.BlockAll, DnsMode = DnsMode.Allowlist, DnsAddress = "127.0.0.1:5353" };
        subscribed.Metadata.Add(labels);
        await SendAsync(new DaemonEvent { Subscribed = subscribed });
        var ack = await NextAsync();
        Assert.Equal(ControlCommand.CommandOneofCase.SubscribedAck, ack.CommandCase);
        Assert.Equal(id, ack.Id);
        return ack;
    }

    /// <summary>The same daemon (attachments, rule versions) talking to another control plane from now on.</summary>
    public FakeDaemon WithClient(Protocol.V1.ControlPlane.ControlPlaneClient other)
    {
        client = other;
        return this;
    }

    /// <summary>Detaches while disconnected: the attachment is simply absent from the next SyncRequest.</summary>
    public Task UnsubscribeLocallyAsync(string id)
    {
        attachments.TryRemove(id, out _);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(string id)
    {
        attachments.TryRemove(id, out _);
        return SendAsync(new DaemonEvent { Unsubscribed = new Unsubscribed { Id = id, Reason = UnsubscribeReason.Detached } });
    }

    public Task HeartbeatAsync(params AttachmentStats[] stats)
    {
        var heartbeat = new Heartbeat();
        heartbeat.Stats.AddRange(stats);
        return SendAsync(new DaemonEvent { Heartbeat = heartbeat });
    }

    public async Task SendAsync(DaemonEvent e)
    {
        await writeLock.WaitAsync();
        try
        {
            await call!.RequestStream.WriteAsync(e);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>The next command the control plane sent (after it was applied and answered).</summary>
    public async Task<ControlCommand> NextAsync()
    {
        try
        {
            return await received.Reader.ReadAsync().AsTask().WaitAsync(Wait.Timeout);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the stream ended before a command arrived: {StreamError?.Status}");
        }
    }

    /// <summary>Commands received and not yet taken by <see cref="NextAsync"/>.</summary>
    public int Pending => received.Reader.Count;

    /// <summary>Waits until the stream has ended (by the server) and returns its status.</summary>
    public async Task<Grpc.Core.Status> EndedAsync()
    {
        await reader!.WaitAsync(Wait.Timeout);
        return StreamError?.Status ?? Grpc.Core.Status.DefaultSuccess;
    }

    /// <summary>Ends the stream as a crashed daemon would (no goodbye).</summary>
    public async Task DropAsync()
    {
        cancel?.Cancel();
        if (reader is not null) await reader.WaitAsync(Wait.Timeout);
        call?.Dispose();
    }

    async Task ReadAsync()
    {
        try
        {
            while (await call!.ResponseStream.MoveNext(cancel!.Token))
            {
                var command = call.ResponseStream.Current;
                await ApplyAsync(command);
                received.Writer.TryWrite(command);
            }
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            StreamError = e;
        }
        catch (RpcException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            received.Writer.TryComplete();
        }
    }

    async Task ApplyAsync(ControlCommand command)
    {
        if (command.CommandCase == ControlCommand.CommandOneofCase.SyncAck) return;
        var result = new CommandResult { Id = command.Id, Version = command.Version };
        if (!attachments.TryGetValue(command.Id, out var attachment))
        {
            result.Status = CommandStatus.Nack;
            result.Field = "id";
            result.Error = $"no attachment '{command.Id}'";
        }
        else if (Reject?.Invoke(command) is { } rejection)
        {
            result.Status = CommandStatus.Nack;
            (result.Field, result.Error) = rejection;
        }
        else
        {
            try
            {
                var start = command.CommandCase == ControlCommand.CommandOneofCase.SubscribedAck ? RuleSet.BlockAll : attachment.Rules;
                attachment.Rules = RuleCommands.Apply(start, command, DateTimeOffset.UtcNow);
                attachment.RuleVersion = command.Version;
                result.Status = CommandStatus.Ack;
            }
            catch (PolicyValidationException e)
            {
                result.Status = CommandStatus.Nack;
                result.Field = e.Field;
                result.Error = e.Problem;
            }
        }
        if (reportsResults) await SendAsync(new DaemonEvent { CommandResult = result });
    }

    public async ValueTask DisposeAsync()
    {
        if (call is not null)
        {
            try
            {
                await writeLock.WaitAsync();
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or OperationCanceledException)
            {
                // Already ended.
            }
            finally
            {
                writeLock.Release();
            }
            cancel?.Cancel();
            if (reader is not null) await reader.WaitAsync(Wait.Timeout);
            call.Dispose();
        }
        cancel?.Dispose();
    }
}
