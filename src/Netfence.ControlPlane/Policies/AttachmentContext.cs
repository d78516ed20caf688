using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;

namespace Netfence.ControlPlane.Policies;

/// <summary>
/// Everything a policy source may base its decision on: the attachment as its daemon reported it and
/// the daemon that holds it. Metadata is validated (see <see cref="AttachmentMetadata"/>).
/// </summary>
/// <param name="DaemonId">The daemon's stable id.</param>
/// <param name="Hostname">The daemon's host name.</param>
/// <param name="DaemonMetadata">Daemon-level labels from the daemon's configuration (e.g. <c>zone=eu-1</c>).</param>
/// <param name="AttachmentId">The attachment's id, unique on its daemon.</param>
/// <param name="Target">Interface name or cgroup path.</param>
/// <param name="Type">Where the filter is attached.</param>
/// <param name="Metadata">The attachment's labels from the orchestrator (e.g. <c>vm_id=abc</c>).</param>
public sealed record AttachmentContext(
    string DaemonId,
    string Hostname,
    AttachmentMetadata DaemonMetadata,
    string AttachmentId,
    string Target,
    AttachmentType Type,
    AttachmentMetadata Metadata);
