using System.Text;
using Netfence.Bpf.Links;
using Netfence.Policy.Validation;

namespace Netfence.Policy.Targets;

/// <summary>
/// A cgroup v2 directory named canonically relative to the cgroup2 mount: <c>/x</c>, <c>/x/</c>,
/// <c>//x</c>, <c>/x/.</c> and <c>/sys/fs/cgroup/unified/x</c> (with that mount) are all
/// <see cref="RelativePath"/> <c>/x</c>, so one cgroup cannot be attached twice under two spellings
/// (pitfall 15). <c>..</c> is refused rather than resolved, because it can only escape or obscure.
/// </summary>
public sealed record CgroupTarget
{
    const int PathMax = 4096;
    const int NameMax = 255;

    CgroupTarget(string mountPoint, string relativePath)
    {
        MountPoint = mountPoint;
        RelativePath = relativePath;
    }

    /// <summary>The cgroup2 mount point, e.g. <c>/sys/fs/cgroup/unified</c>.</summary>
    public string MountPoint { get; }

    /// <summary>The canonical path below the mount: <c>/</c> for the root, otherwise <c>/a/b</c>.</summary>
    public string RelativePath { get; }

    /// <summary>The directory in the file system.</summary>
    public string FullPath => RelativePath == "/" ? MountPoint : MountPoint.TrimEnd('/') + RelativePath;

    /// <summary>
    /// Canonicalises <paramref name="path"/> against this host's cgroup2 mount, found in /proc/mounts by
    /// <see cref="CgroupV2.FindMount()"/> (it is /sys/fs/cgroup/unified on hybrid hosts).
    /// </summary>
    /// <exception cref="PolicyValidationException">The path is invalid.</exception>
    /// <exception cref="InvalidOperationException">No cgroup2 file system is mounted.</exception>
    public static CgroupTarget ParseOnThisHost(string path, string field = "cgroup_path") => Parse(path, CgroupV2.FindMount(), field);

    /// <summary>
    /// Canonicalises <paramref name="path"/>: either below the mount (<c>/x</c>) or a full path inside it
    /// (<c>/sys/fs/cgroup/unified/x</c>). Does not touch the file system.
    /// </summary>
    /// <exception cref="PolicyValidationException">The path is empty, relative, too long, contains NUL or <c>..</c>.</exception>
    public static CgroupTarget Parse(string path, string mountPoint, string field = "cgroup_path")
    {
        ArgumentException.ThrowIfNullOrEmpty(mountPoint);
        if (string.IsNullOrEmpty(path)) throw new PolicyValidationException(field, "the cgroup path is empty");
        if (path.Contains('\0')) throw new PolicyValidationException(field, "the cgroup path contains a NUL character");
        if (!path.StartsWith('/'))
            throw new PolicyValidationException(field, $"'{path}' is relative; give it from the cgroup2 root ('/{path}') or in full ('{mountPoint.TrimEnd('/')}/{path}')");
        if (Encoding.UTF8.GetByteCount(path) >= PathMax)
            throw new PolicyValidationException(field, $"the cgroup path is longer than {PathMax - 1} bytes");

        var components = new List<string>();
        foreach (var component in path.Split('/'))
        {
            if (component is "" or ".") continue;
            if (component == "..")
                throw new PolicyValidationException(field, $"'{path}' contains '..'; give the cgroup's path without it");
            if (Encoding.UTF8.GetByteCount(component) > NameMax)
                throw new PolicyValidationException(field, $"the component '{component[..16]}...' of '{path}' is longer than {NameMax} bytes");
            components.Add(component);
        }

        var mountComponents = mountPoint.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (components.Count >= mountComponents.Length && mountComponents.Length > 0
            && components.Take(mountComponents.Length).SequenceEqual(mountComponents, StringComparer.Ordinal))
            components.RemoveRange(0, mountComponents.Length);

        return new CgroupTarget(mountPoint, "/" + string.Join('/', components));
    }
}
