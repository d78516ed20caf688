using System.Text;

namespace Netfence.Policy.Targets;

/// <summary>
/// Finds the cgroup v2 hierarchy from the mount table. It is not always /sys/fs/cgroup: hybrid hosts
/// mount v1 controllers there and v2 at /sys/fs/cgroup/unified.
/// </summary>
public static class CgroupMounts
{
    /// <summary>The mount point of the first cgroup2 file system in the live <c>/proc/mounts</c>.</summary>
    /// <exception cref="InvalidOperationException">No cgroup2 file system is mounted.</exception>
    public static string FindCgroup2() => FindCgroup2(File.ReadAllText("/proc/mounts"));

    /// <summary>The mount point of the first cgroup2 file system in <paramref name="procMounts"/> (the text of /proc/mounts).</summary>
    /// <exception cref="InvalidOperationException">No cgroup2 file system is listed.</exception>
    public static string FindCgroup2(string procMounts)
    {
        foreach (var line in procMounts.Split('\n'))
        {
            var fields = line.Split(' ');
            if (fields.Length >= 3 && fields[2] == "cgroup2") return Unescape(fields[1]);
        }
        throw new InvalidOperationException("no cgroup v2 file system is mounted (none of type cgroup2 in /proc/mounts); " +
            "cgroup attachments need one, e.g. mount -t cgroup2 none /sys/fs/cgroup/unified");
    }

    // The kernel writes space, tab, newline and backslash in mount points as \ooo octal escapes.
    static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var bytes = new List<byte>();
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && field[(i + 1)..(i + 4)].All(c => c is >= '0' and <= '7'))
            {
                bytes.Add(Convert.ToByte(field[(i + 1)..(i + 4)], 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
