namespace Netfence.Bpf.Pinning;

/// <summary>Directories for pins on bpffs (bpffs supports mkdir/rmdir and unlink of pins).</summary>
public static class PinDirectory
{
    /// <summary>Creates <paramref name="path"/> (and parents) on bpffs; it must lie on a bpffs mount.</summary>
    public static string Create(string path)
    {
        var full = Path.GetFullPath(path);
        if (!BpfFs.IsOnBpfFs(full))
            throw new ArgumentException($"'{full}' is not on a bpffs mount (mounted: {string.Join(", ", BpfFs.MountPoints().DefaultIfEmpty("none"))})", nameof(path));
        Directory.CreateDirectory(full);
        return full;
    }

    /// <summary>Removes a pin directory and every pin in it; the objects live on while anything else holds them.</summary>
    public static bool Remove(string path)
    {
        var full = Path.GetFullPath(path);
        if (!Directory.Exists(full)) return false;
        if (!BpfFs.IsOnBpfFs(full))
            throw new ArgumentException($"refusing to delete '{full}': it is not on a bpffs mount", nameof(path));
        Directory.Delete(full, recursive: true);
        return true;
    }
}
