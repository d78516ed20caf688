using Netfence.Policy.Metadata;

namespace Netfence.Daemon.Configuration;

/// <summary>netfenced's validated configuration. Build it with <see cref="ConfigurationLoader"/>.</summary>
/// <param name="Socket">The local API socket.</param>
/// <param name="DataDirectory">Where the store lives.</param>
/// <param name="Hostname">The host name reported to the control plane, or null for the machine's.</param>
/// <param name="Metadata">Daemon-level metadata.</param>
/// <param name="ControlPlane">The control-plane connection.</param>
/// <param name="Dns">DNS servers.</param>
/// <param name="Log">Logging.</param>
/// <param name="AttachWithoutControlPlane">Attach behaviour without a control plane.</param>
/// <param name="Datapath">The pinned datapath and its filter object.</param>
/// <param name="SourceFile">The file read, or null when only defaults and the environment applied.</param>
public sealed record DaemonConfiguration(
    SocketSettings Socket,
    string DataDirectory,
    string? Hostname,
    AttachmentMetadata Metadata,
    ControlPlaneSettings ControlPlane,
    DnsSettings Dns,
    LogSettings Log,
    AttachWithoutControlPlaneSettings AttachWithoutControlPlane,
    string? SourceFile,
    DatapathSettings Datapath);
