using Netfence.Bpf.Links;
using Netfence.Daemon.Targets;
using Netfence.Sandbox;

namespace Netfence.Targets.KernelTests;

/// <summary>
/// A sandbox cgroup with child cgroups to watch. cgroupfs removes only empty directories one rmdir at a time, so
/// dispose removes whatever children are left, deepest first, before the sandbox itself.
/// </summary>
sealed class CgroupTree : IDisposable
{
    readonly SandboxCgroup _root = new();

    public string Path => _root.Path;

    /// <summary>Creates a child cgroup and returns it as a watch target (its id is its inode number).</summary>
    public WatchedTarget.Cgroup Create(string name)
    {
        var path = System.IO.Path.Combine(_root.Path, name);
        Directory.CreateDirectory(path);
        return new WatchedTarget.Cgroup(CgroupV2.Id(path), path);
    }

    public static void Remove(WatchedTarget.Cgroup cgroup) => Directory.Delete(cgroup.Path);

    public void Dispose()
    {
        if (Directory.Exists(_root.Path))
            foreach (var child in Directory.GetDirectories(_root.Path))
                RemoveTree(child);
        _root.Dispose();
    }

    static void RemoveTree(string path)
    {
        foreach (var child in Directory.GetDirectories(path)) RemoveTree(child);
        Directory.Delete(path);
    }
}
