using System.Runtime.InteropServices;
using Netfence.Bpf.Links;

namespace Netfence.Datapath;

/// <summary>The cgroup id the kernel's helpers report for a cgroup v2 directory: its inode number.</summary>
public static partial class CgroupIds
{
    /// <summary>The id of the cgroup at <paramref name="path"/> (which must lie in the cgroup v2 mount).</summary>
    public static ulong Of(string path)
    {
        var full = CgroupV2.Validate(path);
        var stat = new byte[256];
        if (Stat(full, stat) != 0)
            throw new IOException($"stat {full} failed with errno {Marshal.GetLastPInvokeError()}");
        // st_ino follows the 8-byte st_dev in the x86-64 and generic (arm64) struct stat.
        return BitConverter.ToUInt64(stat, 8);
    }

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] buffer);
}
