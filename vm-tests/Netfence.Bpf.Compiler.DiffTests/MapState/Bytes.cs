using System.Runtime.InteropServices;

namespace Netfence.Bpf.Compiler.DiffTests.MapState;

/// <summary>Values as the bytes the kernel compares and stores, padding included.</summary>
public static class Bytes
{
    /// <summary>The bytes of an unmanaged value in hex.</summary>
    public static string Hex<T>(in T value) where T : unmanaged =>
        Convert.ToHexString(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in value)));

    /// <summary>Describes how two snapshots (entry name to value) differ, or null when they are equal.</summary>
    public static string? Compare(string map, IReadOnlyDictionary<string, string> kernel, IReadOnlyDictionary<string, string> managed)
    {
        var lines = new List<string>();
        foreach (var (key, value) in kernel.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!managed.TryGetValue(key, out var other))
                lines.Add($"  {key}: kernel {value}, .NET absent");
            else if (other != value)
                lines.Add($"  {key}: kernel {value}, .NET {other}");
        }
        foreach (var (key, value) in managed.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!kernel.ContainsKey(key))
                lines.Add($"  {key}: kernel absent, .NET {value}");
        }
        return lines.Count == 0 ? null : $"map {map} differs:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
