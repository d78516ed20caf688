using Netfence.Bpf.Netlink;
using Netfence.Daemon.Targets;
using Netfence.Sandbox;

namespace Netfence.Targets.KernelTests;

/// <summary>
/// A sandbox network namespace standing in for the daemon's own, so that the tests' devices (a thousand of them in
/// the burst) never appear among the host's. Dispose deletes the namespace and every device left in it.
/// </summary>
sealed class WatchedNamespace : IDisposable
{
    public SandboxNamespace Namespace { get; } = new();

    public string Path => Namespace.Path;

    /// <summary>Creates a veth pair inside the namespace and returns the named end as a watch target.</summary>
    public WatchedTarget.Interface AddVeth(string? name = null)
    {
        name ??= UniqueName.Next();
        Command.Run("ip", "-n", Namespace.Name, "link", "add", name, "type", "veth", "peer", "name", name + "p");
        return Target(name);
    }

    /// <summary>The device called <paramref name="name"/> in the namespace, as a watch target.</summary>
    public WatchedTarget.Interface Target(string name)
    {
        using var socket = NetlinkSocket.Open(Path);
        return new WatchedTarget.Interface(socket.GetInterfaceIndex(name), name);
    }

    /// <summary>Every device in the namespace by name.</summary>
    public IReadOnlyDictionary<string, int> Links()
    {
        using var socket = NetlinkSocket.Open(Path);
        return socket.ListLinks().ToDictionary(l => l.Name ?? throw new InvalidOperationException($"ifindex {l.Index} has no name"), l => l.Index);
    }

    public void Delete(WatchedTarget.Interface device) => Command.Run("ip", "-n", Namespace.Name, "link", "del", device.Name);

    /// <summary>Runs an <c>ip -batch</c> file of commands inside the namespace (one process for a thousand commands).</summary>
    public void Batch(IEnumerable<string> commands)
    {
        var file = System.IO.Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, commands);
            Command.Run("ip", "-n", Namespace.Name, "-batch", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose() => Namespace.Dispose();
}
