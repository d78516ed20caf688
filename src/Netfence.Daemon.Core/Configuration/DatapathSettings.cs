namespace Netfence.Daemon.Configuration;

/// <summary>Where the datapath lives in the kernel and which filter programs it runs.</summary>
/// <param name="PinDirectory">The bpffs directory of the shared maps and the attachments' links.</param>
/// <param name="ObjectPath">The eBPF ELF object with the filter programs; relative paths are from netfenced's directory.</param>
public sealed record DatapathSettings(string PinDirectory, string ObjectPath);
