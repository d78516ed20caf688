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

    /// <summary>Mount points of every bpffs in this mount namespace, in /proc/mounts order.</summary>
    public static IReadOnlyList<string> MountPoints() => MountTable.MountPoints("bpf");

    /// <summary>The bpffs mount points listed in a /proc/mounts text.</summary>
    public static IReadOnlyList<string> ParseMounts(string procMounts) => MountTable.MountPoints("bpf", procMounts);

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
        return Find() ?? throw new IOException($"mounted bpffs at {DefaultPath} but it does not appear in {MountTable.ProcMounts}");
    }

    /// <summary>True when <paramref name="path"/> lies on one of the bpffs mounts.</summary>
    public static bool IsOnBpfFs(string path)
    {
        var full = Path.GetFullPath(path);
        return MountPoints().Any(m => full == m || full.StartsWith(m.TrimEnd('/') + "/", StringComparison.Ordinal));
    }

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mount(string source, string target, string fsType, ulong flags, nint data);
}
