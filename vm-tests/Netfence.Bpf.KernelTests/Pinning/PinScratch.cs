using Netfence.Bpf.Pinning;

namespace Netfence.Bpf.KernelTests.Pinning;

/// <summary>A uniquely named pin directory on bpffs, removed with everything pinned in it on dispose.</summary>
public sealed class PinScratch : IDisposable
{
    public PinScratch()
    {
        var root = BpfFs.EnsureMounted();
        Path = PinDirectory.Create(System.IO.Path.Combine(root, $"nft{Guid.NewGuid():N}"[..16]));
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    public void Dispose() => PinDirectory.Remove(Path);
}
