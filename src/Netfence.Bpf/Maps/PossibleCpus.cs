namespace Netfence.Bpf.Maps;

/// <summary>
/// The CPUs the kernel may ever bring online. Per-CPU maps hold one value slot for each of
/// them (not only the online ones), so buffers for per-CPU lookups are sized by this count.
/// </summary>
public static class PossibleCpus
{
    /// <summary>Where the kernel publishes the possible-CPU mask as a range list.</summary>
    public const string SysfsPath = "/sys/devices/system/cpu/possible";

    static readonly Lazy<int> Cached = new(() => Parse(File.ReadAllText(SysfsPath)));

    /// <summary>The number of possible CPUs on this machine (read once).</summary>
    public static int Count => Cached.Value;

    /// <summary>Counts the CPUs in a kernel range list such as <c>0-3</c> or <c>0,2-5</c>.</summary>
    /// <exception cref="FormatException">The text is not a CPU range list.</exception>
    public static int Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) throw new FormatException($"the possible-CPU list is empty (from {SysfsPath})");
        int count = 0;
        foreach (var part in trimmed.Split(','))
        {
            var bounds = part.Split('-');
            if (bounds.Length > 2 || !TryCpu(bounds[0], out var first))
                throw new FormatException($"'{part}' in the possible-CPU list '{trimmed}' is not a CPU number or range");
            var last = first;
            if (bounds.Length == 2 && (!TryCpu(bounds[1], out last) || last < first))
                throw new FormatException($"'{part}' in the possible-CPU list '{trimmed}' is not an ascending range");
            count += last - first + 1;
        }
        return count;
    }

    static bool TryCpu(string text, out int cpu) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out cpu);
}
