namespace Netfence.Daemon.Targets.Cgroups;

/// <summary>Splitting a cgroup's path into the parent directory that is watched and the name its removal event carries.</summary>
internal static class CgroupPath
{
    /// <summary>The parent directory and the last component of an absolute path (a trailing slash ignored).</summary>
    public static (string Parent, string Name) Split(string path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/')
            throw new ArgumentException($"cgroup path '{path}' is not absolute", nameof(path));
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        int slash = trimmed.LastIndexOf('/');
        var name = trimmed[(slash + 1)..];
        if (name.Length == 0 || name is "." or "..")
            throw new ArgumentException($"cgroup path '{path}' does not name a directory inside a parent", nameof(path));
        return (slash == 0 ? "/" : trimmed[..slash], name);
    }
}
