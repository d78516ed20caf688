using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Maps;

/// <summary>
/// A kernel map, addressed with raw key and value bytes. Typed access is layered on top
///.
/// </summary>
public class BpfMap : IDisposable
{
    protected BpfMap(BpfFd fd, MapSpec spec)
    {
        Fd = fd;
        Spec = spec;
    }

    public BpfFd Fd { get; }
    public MapSpec Spec { get; }
    public string Name => Spec.Name;

    /// <summary>Creates a map.</summary>
    public static unsafe BpfMap Create(MapSpec spec)
    {
        var attr = new MapCreateAttr
        {
            MapType = (uint)spec.Type,
            KeySize = spec.KeySize,
            ValueSize = spec.ValueSize,
            MaxEntries = spec.MaxEntries,
            MapFlags = (uint)spec.Flags,
        };
        BpfProgram.WriteName(attr.MapName, spec.Name);
        var fd = BpfSyscall.CallForFd(BpfCommand.MapCreate, ref attr, $"map '{spec.Name}' {spec.Type} key {spec.KeySize} value {spec.ValueSize} max {spec.MaxEntries}");
        return new BpfMap(fd, spec);
    }

    /// <summary>Wraps an fd obtained elsewhere (a pin, an id), taking ownership.</summary>
    public static BpfMap FromFd(BpfFd fd, MapSpec spec) => new(fd, spec);

    /// <summary>Looks a key up; false when absent.</summary>
    public unsafe bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckKey(key);
        fixed (byte* k = key, v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd.Value, Key = (ulong)k, ValueOrNextKey = (ulong)v };
            if (BpfSyscall.Try(BpfCommand.MapLookupElem, ref attr, out var errno) >= 0) return true;
            if (errno == Errno.ENOENT) return false;
            throw new BpfException(BpfCommand.MapLookupElem.Name(), errno, BpfException.HintFor(BpfCommand.MapLookupElem, errno), $"map '{Name}'");
        }
    }

    /// <summary>Creates or replaces an element, as <paramref name="flags"/> allows.</summary>
    public unsafe void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, UpdateFlags flags = UpdateFlags.Any)
    {
        CheckKey(key);
        fixed (byte* k = key, v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd.Value, Key = (ulong)k, ValueOrNextKey = (ulong)v, Flags = (ulong)flags };
            BpfSyscall.Call(BpfCommand.MapUpdateElem, ref attr, $"map '{Name}'");
        }
    }

    /// <summary>Deletes a key; false when it was absent.</summary>
    public unsafe bool Delete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        fixed (byte* k = key)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd.Value, Key = (ulong)k };
            if (BpfSyscall.Try(BpfCommand.MapDeleteElem, ref attr, out var errno) >= 0) return true;
            if (errno == Errno.ENOENT) return false;
            throw new BpfException(BpfCommand.MapDeleteElem.Name(), errno, BpfException.HintFor(BpfCommand.MapDeleteElem, errno), $"map '{Name}'");
        }
    }

    /// <summary>The key after <paramref name="key"/> (or the first key when it is empty); false at the end.</summary>
    public unsafe bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        fixed (byte* k = key, n = nextKey)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd.Value, Key = key.IsEmpty ? 0 : (ulong)k, ValueOrNextKey = (ulong)n };
            if (BpfSyscall.Try(BpfCommand.MapGetNextKey, ref attr, out var errno) >= 0) return true;
            if (errno == Errno.ENOENT) return false;
            throw new BpfException(BpfCommand.MapGetNextKey.Name(), errno, BpfException.HintFor(BpfCommand.MapGetNextKey, errno), $"map '{Name}'");
        }
    }

    void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Spec.KeySize)
            throw new ArgumentException($"map '{Name}' has {Spec.KeySize}-byte keys, got {key.Length} bytes", nameof(key));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Fd.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"map '{Name}' ({Spec.Type}, {Fd})";
}
