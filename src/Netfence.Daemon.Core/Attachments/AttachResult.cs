namespace Netfence.Daemon.Attachments;

/// <summary>A successful Attach.</summary>
/// <param name="Id">The attachment id.</param>
/// <param name="DnsAddress">"ip:port" the workload must use for DNS.</param>
public sealed record AttachResult(string Id, string DnsAddress);
