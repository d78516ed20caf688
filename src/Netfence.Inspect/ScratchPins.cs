using Netfence.Bpf.Elf;
using Netfence.Bpf.Pinning;

namespace Netfence.Inspect;

/// <summary>
/// A private bpffs directory for objects with pinned-by-name maps, so --verify and --run load
/// them without touching (or reusing) the real pins; removed on dispose.
/// </summary>
public sealed class ScratchPins : IDisposable
{
    ScratchPins(string? path) => Path = path;

    /// <summary>The directory, or null when the object pins nothing.</summary>
    public string? Path { get; }

    public static ScratchPins For(CollectionSpec spec)
    {
        if (!spec.Maps.Values.Any(m => m.Pinning == MapPinning.ByName)) return new ScratchPins(null);
        var path = System.IO.Path.Combine(BpfFs.Find() ?? BpfFs.DefaultPath, $"bytecode-inspect-{Environment.ProcessId}");
        Directory.CreateDirectory(path);
        return new ScratchPins(path);
    }

    public void Dispose()
    {
        if (Path is not null && Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
