using Netfence.Bpf.Links;

namespace Netfence.Daemon.Configuration;

/// <summary>Where the datapath lives in the kernel and which filter programs it runs.</summary>
/// <param name="PinDirectory">The bpffs directory of the shared maps and the attachments' links.</param>
/// <param name="ObjectPath">
/// An eBPF ELF object to run instead of the C#-compiled programs built into netfenced (to test against the C reference);
/// null for the built-in ones. A relative path is from netfenced's directory.
/// </param>
/// <param name="TcAttach">
/// How interfaces are attached (datapath.tc_attach): auto (TCX where the kernel has it, else netlink), tcx or netlink.
/// </param>
public sealed record DatapathSettings(string PinDirectory, string? ObjectPath, TcAttachMode TcAttach = TcAttachMode.Auto)
{
    /// <summary>The object path as netfenced opens it: a relative one is taken from netfenced's own directory.</summary>
    public static string Resolve(string objectPath) =>
        Path.IsPathRooted(objectPath) ? objectPath : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, objectPath));
}
