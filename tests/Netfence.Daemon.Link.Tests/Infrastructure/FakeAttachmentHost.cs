using System.Collections.Concurrent;
using System.Threading.Channels;
using Netfence.Daemon.ControlPlane;
using Netfence.Policy.Commands;
using Netfence.Policy.Rules;
using Netfence.Policy.Validation;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Infrastructure;

/// <summary>
/// The attachment manager as the link sees it: attachments with a rule set and rule_version, commands applied with
/// the daemon's own validation (<see cref="RuleCommands"/>), counters that tests set.
/// </summary>
sealed class FakeAttachmentHost : IAttachmentHost
{
    public sealed class Local(string id, string target)
    {
        public string Id { get; } = id;
        public string Target { get; } = target;
        public RuleSet Rules { get; set; } = RuleSet.BlockAll;
        public string RuleVersion { get; set; } = "";
        public AttachmentStats Stats { get; set; } = new() { Id = id };
    }

    readonly ConcurrentDictionary<string, Local> attachments = new(StringComparer.Ordinal);

    /// <summary>Every command handed to ApplyAsync, in the order the calls started.</summary>
    public Channel<ControlCommand> Applied { get; } = Channel.CreateUnbounded<ControlCommand>();

    /// <summary>Runs inside ApplyAsync before the command is applied; a test can block or throw here.</summary>
    public Func<ControlCommand, Task>? BeforeApply { get; set; }

    public int SnapshotCount;

    public Local Add(string id, string target = "tap0")
    {
        var local = new Local(id, target);
        attachments[id] = local;
        return local;
    }

    public void Remove(string id) => attachments.TryRemove(id, out _);

    public Local this[string id] => attachments[id];

    public IReadOnlyList<Attachment> Snapshot()
    {
        Interlocked.Increment(ref SnapshotCount);
        return [.. attachments.Values.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => new Attachment
        {
            Id = a.Id,
            Target = a.Target,
            Type = AttachmentType.Tc,
            Mode = (PolicyMode)(int)a.Rules.Mode,
            DnsMode = (DnsMode)(int)a.Rules.Dns.Mode,
            DnsAddress = "127.0.0.1:10000",
            RuleVersion = a.RuleVersion,
        })];
    }

    public IReadOnlyList<AttachmentStats> Stats() => [.. attachments.Values.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => a.Stats)];

    public async Task<CommandResult> ApplyAsync(ControlCommand command, CancellationToken cancellationToken)
    {
        Applied.Writer.TryWrite(command);
        if (BeforeApply is { } hook) await hook(command);
        var result = new CommandResult { Id = command.Id, Version = command.Version };
        if (!attachments.TryGetValue(command.Id, out var attachment))
        {
            result.Status = CommandStatus.Nack;
            result.Field = "id";
            result.Error = $"no attachment '{command.Id}'";
            return result;
        }
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
        return result;
    }
}
