using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.ControlPlane;
using Netfence.Daemon.Store;
using Netfence.Datapath;
using Netfence.Policy.Commands;
using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Daemon.Attachments;

public sealed partial class AttachmentManager
{
    /// <summary>
    /// Attaches a filter to a target: validates it, rejects a duplicate, opens the attachment's DNS server (refusing
    /// everything), attaches the filter fail-closed (block-all), asks the control plane for the configuration
    /// (Subscribed → SubscribedAck) and returns only once that configuration is in the kernel and the store. Without
    /// a control plane (standalone, or disconnected with attach_without_control_plane.policy=default) the attachment
    /// gets attach_without_control_plane.default_mode. Any failure rolls everything back.
    /// </summary>
    /// <exception cref="AttachmentException">The attach failed; nothing of it remains.</exception>
    public async Task<AttachResult> AttachAsync(AttachRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Type == AttachmentType.Unspecified)
            throw new AttachmentException(AttachmentErrorKind.InvalidArgument, "target: give interface_name or cgroup_path");
        var metadata = Validate(() => AttachmentMetadata.From(request.Metadata));
        var target = _resolver.Resolve(request.Type, request.Target);
        var (listenAddress, requestedPort) = ParseListenAddress(request.DnsListenAddress);

        bool askControlPlane = _link is not null && (_link.State == Proto.ConnectionState.Connected
            || _configuration.AttachWithoutControlPlane.Policy == AttachWithoutControlPlanePolicy.Fail);

        var attachment = new LiveAttachment(Guid.NewGuid().ToString("D"), target, metadata, TruncatedNow());
        if (!_byTarget.TryAdd((target.Type, target.Name), attachment))
        {
            var other = _byTarget.TryGetValue((target.Type, target.Name), out var existing) ? existing.Id : "another attach in progress";
            throw new AttachmentException(AttachmentErrorKind.AlreadyExists, $"{target} is already attached (as '{other}')");
        }

        await attachment.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        int? rentedPort = null;
        bool dnsOpen = false, inKernel = false, subscribed = false;
        try
        {
            _byId[attachment.Id] = attachment;
            (var endpoint, rentedPort) = await OpenDnsAsync(attachment.Id, listenAddress, requestedPort).ConfigureAwait(false);
            dnsOpen = true;
            attachment.Dns = endpoint;

            KernelCall(() => _datapath.Attach(attachment.Id, target, RuleSet.BlockAll, endpoint), $"attaching the filter to {target}");
            inKernel = true;

            if (askControlPlane)
            {
                subscribed = true;
                // The link applies the ack through ApplyAsync (kernel, store, DNS) before SubscribeAsync returns.
                await SubscribeAsync(attachment, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var rules = DefaultRules();
                _logger.LogInformation("{Target}: {Why}; attaching with {Mode}", target,
                    _link is null ? "standalone (no control_plane.address)" : "the control plane is not connected",
                    rules.Mode);
                await WriteInitialRulesAsync(attachment, rules, "").ConfigureAwait(false);
            }

            attachment.Committed = true;
            _byIdentity[target.Identity] = attachment;
            _watcher?.Watch(target.Identity);
            _logger.LogInformation("attached {Id} to {Target} ({Mode}, DNS {Dns})", attachment.Id, target, attachment.Rules.Mode, attachment.DnsAddress);
            return new AttachResult(attachment.Id, attachment.DnsAddress);
        }
        catch (Exception e)
        {
            _logger.LogWarning("attaching {Target} failed, rolling back: {Error}", target, e.Message);
            if (attachment.Stored) TryUndo(() => _store.Remove(attachment.Id), "removing the stored attachment");
            if (inKernel) TryUndo(() => _datapath.Remove(attachment.Id, target), "removing the filter");
            if (dnsOpen) await TryUndoAsync(() => _dns.CloseAsync(attachment.Id), "closing the DNS server").ConfigureAwait(false);
            if (rentedPort is { } port) _ports.Return(port);
            Forget(attachment);
            if (subscribed) _link!.Unsubscribed(attachment.Id, Proto.UnsubscribeReason.Error, e.Message);
            if (e is AttachmentException) throw;
            if (e is OperationCanceledException) throw new AttachmentException(AttachmentErrorKind.DeadlineExceeded, $"attaching {target} was cancelled by the caller", e);
            throw new AttachmentException(AttachmentErrorKind.Internal, $"attaching {target} failed: {e.Message}", e);
        }
        finally
        {
            attachment.Gate.Release();
        }
    }

    // Sends Subscribed and returns once the link has applied the SubscribedAck (ApplySubscribedAckAsync), which is
    // then the attachment's stored state.
    async Task SubscribeAsync(LiveAttachment attachment, CancellationToken cancellationToken)
    {
        var subscribed = new Proto.Subscribed
        {
            Id = attachment.Id,
            Target = attachment.Target.Name,
            Type = attachment.Target.Type.ToProto(),
            Mode = RuleSet.BlockAll.Mode.ToProto(),
            DnsMode = RuleSet.BlockAll.Dns.Mode.ToProto(),
            DnsAddress = attachment.DnsAddress,
        };
        subscribed.Metadata.Add(attachment.Metadata.ToDictionary());
        attachment.AwaitingSubscribedAck = true;
        try
        {
            await _link!.SubscribeAsync(subscribed, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlPlaneUnavailableException e)
        {
            throw new AttachmentException(AttachmentErrorKind.Unavailable,
                $"the control plane ({_link!.Address}) is not connected and attach_without_control_plane.policy is fail: {e.Message}", e);
        }
        catch (TimeoutException e)
        {
            throw new AttachmentException(AttachmentErrorKind.DeadlineExceeded,
                $"the control plane ({_link!.Address}) did not answer Subscribed within control_plane.subscribe_ack_timeout ({_configuration.ControlPlane.SubscribeAckTimeout.TotalSeconds:0.###} s)", e);
        }
        catch (SubscribedAckRejectedException e)
        {
            throw new AttachmentException(AttachmentErrorKind.FailedPrecondition, $"the control plane's SubscribedAck is invalid: {e.Error}", e);
        }
        finally
        {
            // An ack being applied right now (the caller gave up while it was) finishes before the rollback starts.
            await attachment.SubscribeGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            attachment.AwaitingSubscribedAck = false;
            attachment.SubscribeGate.Release();
        }
        if (!attachment.Stored)
            throw new AttachmentException(AttachmentErrorKind.Internal,
                $"the control-plane link returned the SubscribedAck for '{attachment.Id}' without applying it through IAttachmentHost.ApplyAsync");
    }

    // The first rules of an attachment being attached: written to the kernel, then stored (the record is created
    // here, so a crash before this point leaves only unowned pins, which the next start removes), then given to DNS.
    async Task WriteInitialRulesAsync(LiveAttachment attachment, RuleSet rules, string version)
    {
        KernelCall(() => _datapath.Apply(attachment.Target, rules, attachment.Dns), $"writing the rules of {attachment.Target}");
        StoreCall(() => _store.Add(new AttachmentRecord(attachment.Id, attachment.Target.Type, attachment.Target.Name, attachment.Metadata,
            attachment.AttachedAt, attachment.DnsAddress, version, rules)));
        attachment.Stored = true;
        attachment.Rules = rules;
        attachment.RuleVersion = version;
        await _dns.ConfigureAsync(attachment.Id, rules, CancellationToken.None).ConfigureAwait(false);
    }

    RuleSet DefaultRules() =>
        new(_configuration.AttachWithoutControlPlane.DefaultMode, [], [], DnsPolicy.RefuseAll);

    async Task<(IPEndPoint Endpoint, int? Rented)> OpenDnsAsync(string id, IPAddress address, int? requestedPort)
    {
        if (requestedPort is { } fixedPort)
        {
            // A port inside the range is handed out by the pool; taking it here keeps the pool from giving it away.
            bool fromRange = fixedPort >= _ports.First && fixedPort <= _ports.Last;
            if (fromRange && !_ports.Reserve(fixedPort))
                throw new AttachmentException(AttachmentErrorKind.AlreadyExists, $"dns_listen_address: port {fixedPort} is already used by another attachment");
            var endpoint = new IPEndPoint(address, fixedPort);
            try
            {
                await _dns.OpenAsync(id, endpoint).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                if (fromRange) _ports.Return(fixedPort);
                throw new AttachmentException(e.SocketErrorCode == SocketError.AddressAlreadyInUse ? AttachmentErrorKind.AlreadyExists : AttachmentErrorKind.InvalidArgument,
                    $"dns_listen_address: cannot listen on {endpoint}: {e.Message}", e);
            }
            return (endpoint, fromRange ? fixedPort : null);
        }

        // Ports another program holds are skipped for this attach and given back afterwards, to be tried again later.
        var busy = new List<int>();
        try
        {
            while (true)
            {
                var port = _ports.Rent() ?? throw new AttachmentException(AttachmentErrorKind.ResourceExhausted,
                    $"no DNS port is free: all {_ports.Last - _ports.First + 1} ports of dns.port_range_start..dns.port_range_end " +
                    $"({_ports.First}..{_ports.Last}) are in use{(busy.Count > 0 ? $" ({busy.Count} of them by other programs)" : "")}; widen the range or detach attachments");
                var endpoint = new IPEndPoint(address, port);
                try
                {
                    await _dns.OpenAsync(id, endpoint).ConfigureAwait(false);
                    return (endpoint, port);
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    busy.Add(port);
                }
                catch (SocketException e)
                {
                    _ports.Return(port);
                    throw new AttachmentException(AttachmentErrorKind.FailedPrecondition, $"cannot listen for DNS on {endpoint}: {e.Message} (check dns.listen_address)", e);
                }
            }
        }
        finally
        {
            foreach (var port in busy) _ports.Return(port);
        }
    }

    (IPAddress Address, int? Port) ParseListenAddress(string text)
    {
        if (string.IsNullOrEmpty(text)) return (_configuration.Dns.ListenAddress, null);
        if (IPAddress.TryParse(text, out var address) && !text.Contains(']')) return (address, null);
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0) return (endpoint.Address, endpoint.Port);
        throw new AttachmentException(AttachmentErrorKind.InvalidArgument,
            $"dns_listen_address: '{text}' is not an IP address or ip:port (e.g. 10.0.0.1 or 10.0.0.1:53, [fd00::1]:53)");
    }

    // The store keeps ticks; an attach time with sub-tick precision would not survive a round trip, and List pages
    // by it. Milliseconds read well in a table too.
    DateTimeOffset TruncatedNow()
    {
        var now = _time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    static T Validate<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (PolicyValidationException e)
        {
            throw new AttachmentException(AttachmentErrorKind.InvalidArgument, $"{e.Field}: {e.Problem}", e);
        }
    }

    static void KernelCall(Action action, string what)
    {
        try
        {
            action();
        }
        catch (DatapathFullException e)
        {
            throw new AttachmentException(AttachmentErrorKind.ResourceExhausted, $"{what}: {e.Message}", e);
        }
        catch (Exception e) when (e is not AttachmentException)
        {
            throw new AttachmentException(AttachmentErrorKind.Internal, $"{what} failed: {e.Message}", e);
        }
    }

    static void StoreCall(Action action)
    {
        try
        {
            action();
        }
        catch (AttachmentConflictException e)
        {
            throw new AttachmentException(AttachmentErrorKind.AlreadyExists, e.Message, e);
        }
        catch (StoreException e)
        {
            throw new AttachmentException(AttachmentErrorKind.Internal, e.Message, e);
        }
    }

    void TryUndo(Action undo, string what)
    {
        try
        {
            undo();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "rollback: {What} failed", what);
        }
    }

    async Task TryUndoAsync(Func<Task> undo, string what)
    {
        try
        {
            await undo().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "rollback: {What} failed", what);
        }
    }
}
