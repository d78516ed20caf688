using Grpc.Core;
using Netfence.Policy.Addresses;
using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;
using Netfence.Policy.Validation;
using Proto = Netfence.Protocol.V1;

namespace Netfence.ControlPlane.Daemons;

/// <summary>An attachment as a daemon reported it, validated.</summary>
sealed record ReportedAttachment(string Id, string Target, AttachmentType Type, PolicyMode Mode, AttachmentMetadata Metadata, string DnsAddress, string RuleVersion);

/// <summary>A validated SyncRequest.</summary>
sealed record SyncReport(string DaemonId, string Hostname, AttachmentMetadata Metadata, IReadOnlyList<ReportedAttachment> Attachments);

/// <summary>
/// Validates what a daemon sends before any of it touches shared state. A bad message ends that
/// daemon's stream with InvalidArgument naming the field, as the daemon does for a bad command, and
/// leaves every other daemon alone.
/// </summary>
static class DaemonEventReader
{
    const int MaxIdLength = 256;

    public static SyncReport ReadSync(Proto.SyncRequest sync) => Read("sync", () =>
    {
        var daemonId = Identifier(sync.DaemonId, "daemon_id");
        var metadata = AttachmentMetadata.From(sync.Metadata, "metadata");
        var attachments = new List<ReportedAttachment>(sync.Attachments.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < sync.Attachments.Count; i++)
        {
            var field = $"attachments[{i}]";
            var a = sync.Attachments[i];
            var attachment = Attachment(a.Id, a.Target, a.Type, a.Mode, a.Metadata, a.DnsAddress, field) with { RuleVersion = a.RuleVersion };
            if (!seen.TryAdd(attachment.Id, i))
                throw new PolicyValidationException(field + ".id", $"'{attachment.Id}' is also attachments[{seen[attachment.Id]}]");
            attachments.Add(attachment);
        }
        return new SyncReport(daemonId, sync.Hostname, metadata, attachments);
    });

    public static ReportedAttachment ReadSubscribed(Proto.Subscribed s) =>
        Read("subscribed", () => Attachment(s.Id, s.Target, s.Type, s.Mode, s.Metadata, s.DnsAddress, null));

    public static string ReadUnsubscribed(Proto.Unsubscribed u) => Read("unsubscribed", () => Identifier(u.Id, "id"));

    public static (string AttachmentId, string Version, bool Accepted, string Field, string Error) ReadCommandResult(Proto.CommandResult r) =>
        Read("command_result", () =>
        {
            var id = Identifier(r.Id, "id");
            bool accepted = r.Status switch
            {
                Proto.CommandStatus.Ack => true,
                Proto.CommandStatus.Nack => false,
                _ => throw new PolicyValidationException("status", $"{r.Status} is neither COMMAND_STATUS_ACK nor COMMAND_STATUS_NACK"),
            };
            return (id, r.Version, accepted, r.Field, r.Error);
        });

    static ReportedAttachment Attachment(string id, string target, Proto.AttachmentType type, Proto.PolicyMode mode,
        IDictionary<string, string> metadata, string dnsAddress, string? prefix)
    {
        string P(string f) => prefix is null ? f : $"{prefix}.{f}";
        var attachmentId = Identifier(id, P("id"));
        if (string.IsNullOrEmpty(target)) throw new PolicyValidationException(P("target"), "the target is empty");
        if (type is not (Proto.AttachmentType.Tc or Proto.AttachmentType.Cgroup))
            throw new PolicyValidationException(P("type"), $"{type} is not ATTACHMENT_TYPE_TC or ATTACHMENT_TYPE_CGROUP");
        var reportedMode = PolicyModes.FromProto(mode, P("mode"));
        var labels = AttachmentMetadata.From(metadata, P("metadata"));
        if (dnsAddress.Length > 0) Endpoint.Parse(dnsAddress, 53, P("dns_address"));
        return new ReportedAttachment(attachmentId, target, (AttachmentType)(int)type, reportedMode, labels, dnsAddress, "");
    }

    static string Identifier(string value, string field)
    {
        if (string.IsNullOrEmpty(value)) throw new PolicyValidationException(field, "is empty");
        if (value.Length > MaxIdLength) throw new PolicyValidationException(field, $"is longer than {MaxIdLength} characters");
        if (value.Any(char.IsControl)) throw new PolicyValidationException(field, "contains a control character");
        return value;
    }

    static T Read<T>(string eventName, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (PolicyValidationException e)
        {
            throw new ProtocolViolationException(StatusCode.InvalidArgument, $"{eventName}.{e.Field}: {e.Problem}");
        }
    }
}
