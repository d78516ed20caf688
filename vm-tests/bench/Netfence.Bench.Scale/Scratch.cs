using Netfence.Bpf.Links;
using Netfence.Bpf.Pinning;

namespace Netfence.Bench.Scale;

/// <summary>
/// Everything the run makes, named nft… so a leftover is recognised: a directory for sockets, store and configuration,
/// a bpffs pin directory, and a parent cgroup with one child per attachment. Dispose removes all of it (children first).
/// </summary>
internal sealed class Scratch : IDisposable
{
    public Scratch(int cgroups)
    {
        var name = $"nft{Guid.NewGuid():N}"[..12];
        Directory = System.IO.Directory.CreateDirectory(Path.Combine("/tmp", name)).FullName;
        PinDirectory = Bpf.Pinning.PinDirectory.Create(Path.Combine(BpfFs.EnsureMounted(), name));
        CgroupParent = Path.Combine(CgroupV2.FindMount(), name);
        System.IO.Directory.CreateDirectory(CgroupParent);
        Cgroups = [.. Enumerable.Range(0, cgroups).Select(i => System.IO.Directory.CreateDirectory(Path.Combine(CgroupParent, $"w{i:D5}")).FullName)];
    }

    public string Directory { get; }
    public string PinDirectory { get; }
    public string CgroupParent { get; }
    public IReadOnlyList<string> Cgroups { get; }

    public string this[string file] => Path.Combine(Directory, file);

    public void Dispose()
    {
        foreach (var cgroup in Cgroups.Reverse())
        {
            if (System.IO.Directory.Exists(cgroup)) System.IO.Directory.Delete(cgroup);
        }
        if (System.IO.Directory.Exists(CgroupParent)) System.IO.Directory.Delete(CgroupParent);
        Bpf.Pinning.PinDirectory.Remove(PinDirectory);
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
