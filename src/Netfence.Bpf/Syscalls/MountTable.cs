namespace Netfence.Bpf.Syscalls;

/// <summary>
/// Reads <c>/proc/mounts</c>, where the kernel says where each filesystem is mounted. The loader
/// finds bpffs and the cgroup v2 hierarchy here instead of assuming the usual paths: hosts mount
/// cgroup2 at /sys/fs/cgroup, /sys/fs/cgroup/unified or elsewhere.
/// </summary>
public static class MountTable
{
    /// <summary>The mount table of this process's mount namespace.</summary>
    public const string ProcMounts = "/proc/mounts";

    /// <summary>Mount points of every filesystem of type <paramref name="fsType"/>, in table order.</summary>
    public static IReadOnlyList<string> MountPoints(string fsType) => MountPoints(fsType, File.ReadAllText(ProcMounts));

    /// <summary>Mount points of type <paramref name="fsType"/> in a /proc/mounts text.</summary>
    public static IReadOnlyList<string> MountPoints(string fsType, string procMounts)
    {
        var result = new List<string>();
        foreach (var line in procMounts.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length >= 3 && fields[2] == fsType) result.Add(Unescape(fields[1]));
        }
        return result;
    }

    /// <summary>/proc/mounts escapes space, tab, newline and backslash as \ooo octal.</summary>
    static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                sb.Append((char)((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0')));
                i += 3;
            }
            else sb.Append(field[i]);
        }
        return sb.ToString();
    }

    static bool IsOctal(char c) => c is >= '0' and <= '7';
}
