using Netfence.Policy.Modes;

namespace Netfence.Daemon.Attachments;

/// <summary>An Attach as the manager takes it: the raw target text (validated by the manager) and metadata pairs.</summary>
/// <param name="Type">Interface (TC) or cgroup; <see cref="AttachmentType.Unspecified"/> when the request named neither.</param>
/// <param name="Target">The interface name or cgroup path as given.</param>
/// <param name="Metadata">The pairs as given.</param>
/// <param name="DnsListenAddress">"ip" or "ip:port" for the DNS server, or empty for dns.listen_address and a port from the range.</param>
public sealed record AttachRequest(AttachmentType Type, string Target, IReadOnlyDictionary<string, string> Metadata, string DnsListenAddress = "");
