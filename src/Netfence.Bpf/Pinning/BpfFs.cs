using System.Runtime.InteropServices;
using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Pinning;

/// <summary>
/// Finds the bpf filesystem (where pins live) from <c>/proc/mounts</c>, and mounts it at
/// <see cref="DefaultPath"/> when it is not mounted anywhere.
/// </summary>
public static partial class BpfFs
{
    /// <summary>Where bpffs is conventionally mounted.</summary>
    public const string DefaultPath = "/sys/fs/bpf";

    const string MountsFile = "/proc/mounts";

    /// <summary>Mount points of every bpffs in this mount namespace, in /proc/mounts order.</summary>
    public static IReadOnlyList<string> MountPoints() => ParseMounts(File.ReadAllText(MountsFile));

    /// <summary>The bpffs mount points listed in a /proc/mounts text.</summary>
    public static IReadOnlyList<string> ParseMounts(string procMounts)
    {
        var result = new List<string>();
        foreach (var line in procMounts.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length >= 3 && fields[2] == "bpf") result.Add(UnescapeMountField(fields[1]));
        }
        return result;
    }

    /// <summary>The first bpffs mount point, or null when none is mounted.</summary>
    public static string? Find()
    {
        var mounts = MountPoints();
        // Prefer the conventional path when it is one of several mounts.
        return mounts.Contains(DefaultPath) ? DefaultPath : mounts.FirstOrDefault();
    }

    /// <summary>
    /// The bpffs mount point, mounting bpffs at <see cref="DefaultPath"/> when none exists.
    /// Throws with the reason when mounting fails (e.g. not root, or /sys is read-only).
    /// </summary>
    public static string EnsureMounted()
    {
        if (Find() is { } existing) return existing;
        Directory.CreateDirectory(DefaultPath);
        if (Mount("bpf", DefaultPath, "bpf", 0, 0) != 0)
        {
            var errno = (Errno)Marshal.GetLastPInvokeError();
            throw new IOException($"bpffs is not mounted and mounting it at {DefaultPath} failed: {errno.Name()} ({errno.Describe()})"
                                  + (errno == Errno.EPERM ? "; mounting needs root (CAP_SYS_ADMIN)" : ""));
        }
        return Find() ?? throw new IOException($"mounted bpffs at {DefaultPath} but it does not appear in {MountsFile}");
    }

    /// <summary>True when <paramref name="path"/> lies on one of the bpffs mounts.</summary>
    public static bool IsOnBpfFs(string path)
    {
        var full = Path.GetFullPath(path);
        return MountPoints().Any(m => full == m || full.StartsWith(m.TrimEnd('/') + "/", StringComparison.Ordinal));
    }

    /// <summary>/proc/mounts escapes space, tab, newline and backslash as octal.</summary>
    static string UnescapeMountField(string field) =>
        field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string source, string target, string fsType, ulong flags, nint data);
}
