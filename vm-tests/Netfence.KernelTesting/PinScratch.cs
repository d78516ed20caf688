using Netfence.Sandbox;
using Netfence.Bpf.Pinning;

namespace Netfence.KernelTesting;

/// <summary>
/// A fresh pin directory on the host's bpffs (mounted by the library if needed), so tests pin
/// where the daemon will; removed with everything in it on dispose.
/// </summary>
public sealed class PinScratch : IDisposable
{
    public PinScratch()
    {
        var root = BpfFs.EnsureMounted();
        Path = PinDirectory.Create(System.IO.Path.Combine(root, UniqueName.Next()));
    }

    public string Path { get; }

    /// <summary>A pin path inside this directory.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose() => PinDirectory.Remove(Path);
}
