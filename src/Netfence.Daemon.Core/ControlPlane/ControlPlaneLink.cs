using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Netfence.Daemon.Configuration;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// netfenced's side of the control-plane stream (protocol.md, "Stream semantics"): connects, sends SyncRequest
/// first on every (re)connect and is <see cref="ConnectionState.Connected"/> only once SyncAck arrived; routes each
/// SubscribedAck to the SubscribeAsync waiting for it and every other command to <see cref="IAttachmentHost"/>,
/// answering each with a CommandResult; sends heartbeats; replays Unsubscribed reports made while down; reconnects
/// with jittered exponential backoff after any failure, including a control plane that answers with an error,
/// closes the stream or sends what cannot be parsed.
/// </summary>
/// <remarks>
/// Call <see cref="Start"/> once; <see cref="DisposeAsync"/> stops the link. Thread-safe.
/// </remarks>
public sealed partial class ControlPlaneLink : IControlPlaneLink, IAsyncDisposable
{
    readonly ControlPlaneSettings settings;
    readonly DaemonIdentity identity;
    readonly IAttachmentHost host;
    readonly ILogger logger;
    readonly TimeProvider time;
    readonly GrpcChannel channel;
    readonly Protocol.V1.ControlPlane.ControlPlaneClient client;
    readonly ServerCertificateCheck? certificateCheck;
    readonly CommandDispatcher dispatcher;
    readonly UnsubscribedOutbox outbox;
    readonly ReconnectBackoff backoff;
    readonly CancellationTokenSource stopping = new();
    readonly Lock stateGate = new();
    Task? running;
    LinkStream? current;
    ConnectionState state = ConnectionState.Disconnected;
    volatile string? lastError;

    /// <summary>Creates a link to <see cref="ControlPlaneSettings.Address"/>; nothing connects until <see cref="Start"/>.</summary>
    /// <exception cref="ConfigurationException">A TLS file named by the settings cannot be used.</exception>
    public ControlPlaneLink(ControlPlaneSettings settings, DaemonIdentity identity, IAttachmentHost host,
        ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
        : this(settings, identity, host, loggerFactory, time, null, UnsubscribedOutbox.DefaultCapacity)
    {
    }

    internal ControlPlaneLink(ControlPlaneSettings settings, DaemonIdentity identity, IAttachmentHost host,
        ILoggerFactory? loggerFactory, TimeProvider? time, Func<double>? jitter, int outboxCapacity)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(host);
        if (settings.Address is null)
            throw new ArgumentException("control_plane.address is not set; netfenced then links to its in-process control plane, whose address goes here", nameof(settings));
        this.settings = settings;
        this.identity = identity;
        this.host = host;
        this.time = time ?? TimeProvider.System;
        logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ControlPlaneLink>();
        (channel, certificateCheck) = ControlPlaneChannel.Create(settings, loggerFactory);
        client = new Protocol.V1.ControlPlane.ControlPlaneClient(channel);
        dispatcher = new CommandDispatcher(host, logger);
        outbox = new UnsubscribedOutbox(outboxCapacity);
        backoff = new ReconnectBackoff(settings.ReconnectBackoffInitial, settings.ReconnectBackoffMax, jitter);
        Address = settings.Address.ToString();
    }

    /// <inheritdoc/>
    public string Address { get; }

    /// <inheritdoc/>
    public ConnectionState State
    {
        get
        {
            lock (stateGate) return state;
        }
    }

    /// <summary>Why the last connection attempt failed or the last stream ended; null before the first failure.</summary>
    public string? LastError => lastError;

    /// <summary>Unsubscribed reports waiting for the next sync.</summary>
    public int QueuedUnsubscribed => outbox.Count;

    /// <summary>Unsubscribed reports dropped because the queue was full (see <see cref="UnsubscribedOutbox"/>'s policy).</summary>
    public long DroppedUnsubscribed => outbox.Dropped;

    /// <summary>Raised on every change of <see cref="State"/>, on the thread that made it.</summary>
    public event EventHandler<ConnectionState>? StateChanged;

    /// <summary>Starts connecting, and keeps reconnecting until disposed.</summary>
    public void Start()
    {
        lock (stateGate)
        {
            ObjectDisposedException.ThrowIf(stopping.IsCancellationRequested, this);
            if (running is not null) throw new InvalidOperationException("the control-plane link is already started");
            running = Task.Run(() => RunAsync(stopping.Token));
        }
    }

    /// <inheritdoc/>
    public async Task<SubscribedAck> SubscribeAsync(Subscribed subscribed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscribed);
        if (string.IsNullOrEmpty(subscribed.Id)) throw new ArgumentException("Subscribed.id is empty", nameof(subscribed));
        LinkStream stream;
        lock (stateGate)
        {
            if (state != ConnectionState.Connected || current is null)
                throw new ControlPlaneUnavailableException($"the control plane at {Address} is not connected ({DescribeState()}); attachment '{subscribed.Id}' cannot be subscribed");
            stream = current;
        }
        var pending = new PendingSubscription(subscribed.Id);
        if (!stream.Pending.TryAdd(subscribed.Id, pending))
            throw new InvalidOperationException($"attachment '{subscribed.Id}' already has a Subscribed waiting for its SubscribedAck");
        try
        {
            // End() fails what it finds in Pending; a stream that ended just before the add would never find this one.
            if (stream.IsEnded) throw new ControlPlaneUnavailableException($"the control-plane stream to {Address} ended; attachment '{subscribed.Id}' cannot be subscribed");
            await stream.WriteAsync(new DaemonEvent { Subscribed = subscribed }, cancellationToken).ConfigureAwait(false);
            ControlCommand ack;
            try
            {
                ack = await pending.Arrived.WaitAsync(settings.SubscribeAckTimeout, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                if (pending.TryAbandon())
                {
                    logger.LogWarning("No SubscribedAck for attachment {AttachmentId} within {Timeout} from {Address}", subscribed.Id, settings.SubscribeAckTimeout, Address);
                    throw new TimeoutException($"the control plane at {Address} sent no SubscribedAck for attachment '{subscribed.Id}' within {settings.SubscribeAckTimeout.TotalSeconds:0.###} s (control_plane.subscribe_ack_timeout)");
                }
                // The ack was claimed (or the stream broke) in the same instant: its outcome is the answer.
                ack = await pending.Arrived.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                if (pending.TryAbandon()) throw;
                ack = await pending.Arrived.ConfigureAwait(false);
            }
            // Applying happens in the dispatcher, behind any earlier command for this id and ahead of any later one.
            var result = await pending.Applied.WaitAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new ControlPlaneUnavailableException($"the control-plane link to {Address} stopped before the SubscribedAck for attachment '{subscribed.Id}' was applied");
            if (result.Status != CommandStatus.Ack) throw new SubscribedAckRejectedException(subscribed.Id, result.Field, result.Error);
            return ack.SubscribedAck;
        }
        finally
        {
            stream.Pending.TryRemove(new KeyValuePair<string, PendingSubscription>(subscribed.Id, pending));
        }
    }

    /// <inheritdoc/>
    public void Unsubscribed(string id, UnsubscribeReason reason, string? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var evicted = outbox.Add(new Unsubscribed { Id = id, Reason = reason, Error = error ?? "" });
        if (evicted is not null)
            logger.LogWarning("The queue of Unsubscribed reports is full ({Capacity}); dropped the one for attachment {AttachmentId} ({Reason}), {Dropped} dropped so far. " +
                "The next SyncRequest still omits it, so the control plane learns that it ended, but not why", outbox.Capacity, evicted.Id, evicted.Reason, outbox.Dropped);
        LinkStream? stream;
        lock (stateGate) stream = state == ConnectionState.Connected ? current : null;
        if (stream is not null) _ = FlushUnsubscribedAsync(stream);
    }

    /// <summary>
    /// Asks the control plane about one DNS query (DNS proxy mode) over the link's channel, with a deadline of
    /// <paramref name="timeout"/>. Fails at once while the link is disconnected, because a query would otherwise
    /// wait out its whole deadline on a control plane known to be down.
    /// </summary>
    /// <exception cref="ControlPlaneUnavailableException">Disconnected, or the call failed or ran out of time.</exception>
    public async Task<DnsQueryResponse> QueryDnsAsync(DnsQueryRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State == ConnectionState.Disconnected)
            throw new ControlPlaneUnavailableException($"the control plane at {Address} is not connected ({DescribeState()}); DNS query for attachment '{request.Id}' not asked");
        try
        {
            return await client.QueryDnsAsync(request, deadline: time.GetUtcNow().UtcDateTime + timeout, cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControlPlaneUnavailableException($"the control plane at {Address} did not answer the DNS query for attachment '{request.Id}': {LinkStream.Describe(e)}", e);
        }
    }

    /// <summary>Stops the link: ends the stream, cancels running applies and waits for the background work.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (stateGate)
        {
            if (stopping.IsCancellationRequested) return;
            stopping.Cancel();
            run = running;
        }
        if (run is not null) await run.ConfigureAwait(false);
        await dispatcher.DisposeAsync().ConfigureAwait(false);
        channel.Dispose();
    }

    string DescribeState() => lastError is { } error ? $"{State}, last error: {error}" : State.ToString();

    void SetState(ConnectionState next, LinkStream? stream)
    {
        lock (stateGate)
        {
            if (state == next && ReferenceEquals(current, stream)) return;
            state = next;
            current = stream;
        }
        StateChanged?.Invoke(this, next);
    }
}
