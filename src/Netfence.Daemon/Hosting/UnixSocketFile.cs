using Netfence.Protocol.Transport;
using System.Runtime.InteropServices;

namespace Netfence.Daemon.Hosting;

/// <summary>
/// The API socket file: a stale one (left by a killed daemon) is removed, a live one means another netfenced runs;
/// the socket is created under a umask that lets nobody else connect, then set to root:GROUP 0660 (or 0600).
/// </summary>
static partial class UnixSocketFile
{
    public static void RemoveStale(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return;
        if (Directory.Exists(path) || !IsSocket(path))
            throw new StartupException($"socket.path {path} exists and is not a socket; remove it or choose another socket.path");
        if (!UnixSocketTransport.IsServed(path))
        {
            File.Delete(path);
            return;
        }
        throw new StartupException($"another netfenced is already serving {path}; stop it first (netfenced stop) or choose another socket.path");
    }

    static bool IsSocket(string path) => Lstat(path, out var mode) == 0 && (mode & 0xF000) == 0xC000;

    static int Lstat(string path, out uint mode)
    {
        var buffer = new byte[256];
        int rc = LibcLstat(path, buffer);
        // st_mode follows st_dev (8) st_ino (8) st_nlink (8) in the x86-64 struct stat; on the generic (arm64)
        // layout it follows st_dev (8) st_ino (8).
        mode = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? BitConverter.ToUInt32(buffer, 24) : BitConverter.ToUInt32(buffer, 16);
        return rc;
    }

    /// <summary>
    /// Kestrel creates the socket with the process umask before <see cref="SetPermissions"/> narrows it. Connecting
    /// needs write permission on the socket, so a umask that masks group and other write (022, systemd's default, or
    /// stricter) keeps everyone but root out in between. The umask is read from /proc, not set: it is process-wide,
    /// and changing it would race with any other thread creating files.
    /// </summary>
    public static void RequireSafeUmask()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Umask:", StringComparison.Ordinal))
            ?? throw new StartupException("/proc/self/status has no Umask line (Linux 4.7 or later is required)");
        int umask = Convert.ToInt32(line["Umask:".Length..].Trim(), 8);
        if ((umask & 0x12 /* 022 */) != 0x12)
            throw new StartupException($"netfenced runs with umask {Convert.ToString(umask, 8).PadLeft(4, '0')}, which would let other users connect to the API socket " +
                "before its permissions are set; start it with umask 022 (systemd's default) or stricter");
    }

    /// <summary>root:GROUP 0660 with a group, 0600 without.</summary>
    public static void SetPermissions(string path, string? group)
    {
        if (group is not null)
        {
            int gid = GroupId(group) ?? throw new StartupException($"socket.group '{group}' is not a group on this host (getgrnam found none)");
            if (Chown(path, uint.MaxValue, (uint)gid) != 0)
                throw new StartupException($"cannot give {path} to group '{group}': errno {Marshal.GetLastPInvokeError()}");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Checks at configuration time that the group exists, so a typo fails before anything is attached.</summary>
    public static void RequireGroup(string? group)
    {
        if (group is not null && GroupId(group) is null)
            throw new StartupException($"socket.group '{group}' is not a group on this host (getgrnam found none)");
    }

    static int? GroupId(string group)
    {
        nint entry = GetGrNam(group);
        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; ... }
        return entry == 0 ? null : Marshal.ReadInt32(entry, 2 * nint.Size);
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetGrNam(string name);

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LibcLstat(string path, byte[] buffer);
}
