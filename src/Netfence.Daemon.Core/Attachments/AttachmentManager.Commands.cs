using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.ControlPlane;
using Netfence.Daemon.Store;
using Netfence.Datapath;
using Netfence.Policy.Commands;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Daemon.Attachments;

public sealed partial class AttachmentManager
{
    /// <inheritdoc />
    public IReadOnlyList<Proto.Attachment> Snapshot()
    {
        var list = new List<Proto.Attachment>(_byId.Count);
        foreach (var a in _byId.Values)
        {
            if (!a.Committed || a.Ended) continue;
            var rules = a.Rules;
            var message = new Proto.Attachment
            {
                Id = a.Id,
                Target = a.Target.Name,
                Type = a.Target.Type.ToProto(),
                Mode = rules.Mode.ToProto(),
                DnsMode = rules.Dns.Mode.ToProto(),
                DnsAddress = a.DnsAddress,
                RuleVersion = a.RuleVersion,
            };
            message.Metadata.Add(a.Metadata.ToDictionary());
            list.Add(message);
        }
        return list;
    }

    /// <inheritdoc />
    public IReadOnlyList<Proto.AttachmentStats> Stats()
    {
        var list = new List<Proto.AttachmentStats>(_byId.Count);
        foreach (var a in _byId.Values)
        {
            if (!a.Committed || a.Ended) continue;
            var (allowed, blocked) = _datapath.Counters(a.Target);
            var (dnsAllowed, dnsBlocked) = _dns.Counters(a.Id);
            list.Add(new Proto.AttachmentStats
            {
                Id = a.Id,
                PacketsAllowed = allowed,
                PacketsBlocked = blocked,
                DnsQueriesAllowed = dnsAllowed,
                DnsQueriesBlocked = dnsBlocked,
            });
        }
        return list;
    }

    /// <inheritdoc />
    public async Task<Proto.CommandResult> ApplyAsync(Proto.ControlCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.CommandCase is Proto.ControlCommand.CommandOneofCase.SyncAck)
            return Nack(command, "sync_ack", "is an answer to the daemon's own SyncRequest, not a command for an attachment");
        if (!_byId.TryGetValue(command.Id, out var attachment))
            return Nack(command, "id", $"no attachment '{command.Id}' exists on this daemon");
        if (command.CommandCase is Proto.ControlCommand.CommandOneofCase.SubscribedAck)
            return await ApplySubscribedAckAsync(attachment, command, cancellationToken).ConfigureAwait(false);
        // Attach holds the gate until its ack is applied, and the link applies the ack only after this command: waiting
        // would hold both until the caller's deadline.
        if (!attachment.Committed && attachment.AwaitingSubscribedAck)
            return Nack(command, "id", $"attachment '{command.Id}' is still waiting for its subscribed_ack; commands for it follow the ack");
        await attachment.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!attachment.Committed || attachment.Ended)
                return Nack(command, "id", $"no attachment '{command.Id}' exists on this daemon");
            var beganAt = _time.GetUtcNow();
            long began = Stopwatch.GetTimestamp();
            var current = attachment.Rules;
            RuleSet next;
            try
            {
                next = RuleCommands.Apply(current, command, beganAt);
            }
            catch (PolicyValidationException e)
            {
                return Nack(command, e.Field, e.Problem);
            }

            long validated = Stopwatch.GetTimestamp();
            RuleSetSwapTimings swap;
            try
            {
                swap = _datapath.Apply(attachment.Target, next, attachment.Dns);
            }
            catch (DatapathFullException e)
            {
                return Nack(command, "command", e.Message);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "writing the rules of {Id} failed", attachment.Id);
                return Nack(command, "command", $"the kernel refused the update: {e.Message}; the previous rules stay in force");
            }
            long swapped = Stopwatch.GetTimestamp();
            try
            {
                if (!_store.ReplaceRules(attachment.Id, next, command.Version))
                    throw new StoreException($"attachment '{attachment.Id}' is missing from the store");
            }
            catch (StoreException e)
            {
                // The kernel must not enforce what a restart would not restore.
                try
                {
                    _datapath.Apply(attachment.Target, current, attachment.Dns);
                }
                catch (Exception undo)
                {
                    _logger.LogError(undo, "restoring the previous rules of {Id} after a store failure failed", attachment.Id);
                }
                return Nack(command, "command", $"the update could not be stored ({e.Message}); the previous rules stay in force");
            }
            long stored = Stopwatch.GetTimestamp();
            attachment.Rules = next;
            attachment.RuleVersion = command.Version;
            // Revokes what the new rules would not have taught, each teaching judged on its whole chain; those learned
            // before a restart included, which the DNS server took back from the store at restore.
            await _dns.ConfigureAsync(attachment.Id, next, cancellationToken).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Debug))
                LogApplied(command, attachment.Id, beganAt, swap, Stopwatch.GetElapsedTime(began, validated), Stopwatch.GetElapsedTime(swapped, stored), Stopwatch.GetElapsedTime(stored));
            return new Proto.CommandResult { Id = command.Id, Version = command.Version, Status = Proto.CommandStatus.Ack };
        }
        finally
        {
            attachment.Gate.Release();
        }
    }

    // Where an applied command's time went, in the order it was spent (the kernel enforces the new rules at the end of
    // the flip; the grace wait, the clearing of the old set and the store come after), with the wall-clock start, so
    // that a benchmark can line the phases up with what it timed outside the daemon (the policy benchmark's BulkUpdate
    // breakdown). Debug level: one line per command is too many for normal operation.
    void LogApplied(Proto.ControlCommand command, string id, DateTimeOffset beganAt, RuleSetSwapTimings swap, TimeSpan validate, TimeSpan store, TimeSpan dns)
    {
        static double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds, 3);
        _logger.LogDebug(AppliedEvent,
            "Applied {Command} to {AttachmentId}: {Prefixes} prefixes; began at {BeganUnixUs} µs since 1970; validated in {ValidateMs} ms, prepared in {PrepareMs} ms, " +
            "kernel batch writes {WriteMs} ms, flip {FlipMs} ms (enforced), grace wait {GraceWaitMs} ms, old set cleared in {ClearMs} ms, " +
            "stored in {StoreMs} ms, DNS configured and stale learned IPs revoked in {DnsMs} ms",
            CommandNames.Of(command), id, swap.Prefixes, (beganAt - DateTimeOffset.UnixEpoch).Ticks / 10, Ms(validate), Ms(swap.Prepare),
            Ms(swap.Write), Ms(swap.Flip), Ms(swap.GraceWait), Ms(swap.Clear), Ms(store), Ms(dns));
    }

    static readonly EventId AppliedEvent = new(3100, "CommandApplied");

    // The SubscribedAck of an attachment whose Attach waits for it in SubscribeAsync. That Attach holds the gate and
    // does nothing until this returns, so this runs in its stead; SubscribeGate keeps an Attach that gave up meanwhile
    // from rolling back underneath it. Replaces the whole (block-all) state, like bulk_update.
    async Task<Proto.CommandResult> ApplySubscribedAckAsync(LiveAttachment attachment, Proto.ControlCommand command, CancellationToken cancellationToken)
    {
        await attachment.SubscribeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!attachment.AwaitingSubscribedAck || attachment.Ended)
                return Nack(command, "subscribed_ack", $"attachment '{command.Id}' is not waiting for a SubscribedAck (it was acknowledged already or its Attach gave up)");
            RuleSet rules;
            try
            {
                rules = RuleCommands.Apply(attachment.Rules, command, _time.GetUtcNow());
            }
            catch (PolicyValidationException e)
            {
                return Nack(command, e.Field, e.Problem);
            }
            try
            {
                await WriteInitialRulesAsync(attachment, rules, command.Version).ConfigureAwait(false);
            }
            catch (AttachmentException e)
            {
                // Attach rolls the whole attachment back when its ack is rejected, the rules just written included.
                return Nack(command, "subscribed_ack", e.Message);
            }
            attachment.AwaitingSubscribedAck = false;
            return new Proto.CommandResult { Id = command.Id, Version = command.Version, Status = Proto.CommandStatus.Ack };
        }
        finally
        {
            attachment.SubscribeGate.Release();
        }
    }

    static Proto.CommandResult Nack(Proto.ControlCommand command, string field, string error) => new()
    {
        Id = command.Id,
        Version = command.Version,
        Status = Proto.CommandStatus.Nack,
        Field = field,
        Error = $"{field}: {error}",
    };
}
