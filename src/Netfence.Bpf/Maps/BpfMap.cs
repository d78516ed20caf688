using Netfence.Bpf.Memlock;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Maps;

/// <summary>
/// A kernel map, addressed with raw key and value bytes. Typed access is layered on top
/// (<see cref="BpfMap{TKey, TValue}"/>, <see cref="PerCpuBpfMap{TKey, TValue}"/>).
/// </summary>
public partial class BpfMap : IDisposable
{
    protected BpfMap(BpfFd fd, MapSpec spec)
    {
        Fd = fd;
        Spec = spec;
        ValueBufferSize = spec.IsPerCpu ? PerCpuLayout.BufferSize((int)spec.ValueSize, PossibleCpus.Count) : (int)spec.ValueSize;
    }

    public BpfFd Fd { get; }
    public MapSpec Spec { get; }
    public string Name => Spec.Name;

    /// <summary>
    /// The bytes of one value as user space passes it: the value size, or for per-CPU maps one
    /// 8-byte-aligned slot per possible CPU.
    /// </summary>
    public int ValueBufferSize { get; }

    /// <summary>How batch operations are carried out (see <see cref="BatchMode"/>).</summary>
    public BatchMode BatchMode { get; set; } = BatchMode.Auto;

    /// <summary>Creates a map, after checking the spec and making sure RLIMIT_MEMLOCK cannot get in the way.</summary>
    /// <exception cref="ArgumentException">The spec is invalid (the message says why).</exception>
    /// <exception cref="BpfException">The kernel refused.</exception>
    public static BpfMap Create(MapSpec spec) => Create(spec, null);

    /// <summary>Creates a map described by <paramref name="spec"/> with the BTF types of its keys and values.</summary>
    public static unsafe BpfMap Create(MapSpec spec, MapBtf? btf)
    {
        spec.Validate();
        MemlockLimit.EnsureSufficient();
        var attr = new MapCreateAttr
        {
            MapType = (uint)spec.Type,
            KeySize = spec.KeySize,
            ValueSize = spec.ValueSize,
            MaxEntries = spec.MaxEntries,
            MapFlags = (uint)spec.Flags,
            BtfFd = btf is null ? 0 : (uint)btf.Btf.Value,
            BtfKeyTypeId = btf?.KeyTypeId ?? 0,
            BtfValueTypeId = btf?.ValueTypeId ?? 0,
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
        CheckValue(value.Length);
        fixed (byte* k = key, v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd.Value, Key = (ulong)k, ValueOrNextKey = (ulong)v };
            if (BpfSyscall.Try(BpfCommand.MapLookupElem, ref attr, out var errno) >= 0) return true;
            if (errno == Errno.ENOENT) return false;
            throw MapErrors.For(this, BpfCommand.MapLookupElem, errno);
        }
    }

    /// <summary>Creates or replaces an element, as <paramref name="flags"/> allows.</summary>
    /// <exception cref="MapKeyExistsException">NOEXIST and the key is present.</exception>
    /// <exception cref="MapKeyNotFoundException">EXIST and the key is absent.</exception>
    /// <exception cref="MapFullException">No room for a new key.</exception>
    /// <exception cref="MapFrozenException">The map is frozen.</exception>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, UpdateFlags flags = UpdateFlags.Any)
    {
        var errno = TryUpdate(key, value, flags);
        if (errno != Errno.None) throw MapErrors.For(this, BpfCommand.MapUpdateElem, errno);
    }

    /// <summary>Like <see cref="Update"/>, returning the errno instead of throwing.</summary>
    internal unsafe Errno TryUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, UpdateFlags flags)
    {
        CheckKey(key);
        CheckValue(value.Length);
        CheckFlags(flags);
        fixed (byte* k = key, v = value)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd.Value, Key = (ulong)k, ValueOrNextKey = (ulong)v, Flags = (ulong)flags };
            return BpfSyscall.Try(BpfCommand.MapUpdateElem, ref attr, out var errno) >= 0 ? Errno.None : errno;
        }
    }

    /// <summary>Deletes a key; false when it was absent.</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        var errno = TryDelete(key);
        if (errno == Errno.None) return true;
        if (errno == Errno.ENOENT) return false;
        throw MapErrors.For(this, BpfCommand.MapDeleteElem, errno);
    }

    internal unsafe Errno TryDelete(ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        fixed (byte* k = key)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd.Value, Key = (ulong)k };
            return BpfSyscall.Try(BpfCommand.MapDeleteElem, ref attr, out var errno) >= 0 ? Errno.None : errno;
        }
    }

    /// <summary>The key after <paramref name="key"/> (or the first key when it is empty); false at the end.</summary>
    public unsafe bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        if (!key.IsEmpty) CheckKey(key);
        if (nextKey.Length != Spec.KeySize)
            throw new ArgumentException($"map '{Name}' has {Spec.KeySize}-byte keys, got a {nextKey.Length}-byte buffer for the next key", nameof(nextKey));
        fixed (byte* k = key, n = nextKey)
        {
            var attr = new MapElemAttr { MapFd = (uint)Fd.Value, Key = key.IsEmpty ? 0 : (ulong)k, ValueOrNextKey = (ulong)n };
            if (BpfSyscall.Try(BpfCommand.MapGetNextKey, ref attr, out var errno) >= 0) return true;
            if (errno == Errno.ENOENT) return false;
            throw MapErrors.For(this, BpfCommand.MapGetNextKey, errno);
        }
    }

    /// <summary>
    /// Makes the map read-only for user space (BPF_MAP_FREEZE, 5.2+); programs keep the access
    /// they were given. Later updates and deletes from user space fail with <see cref="MapFrozenException"/>.
    /// </summary>
    public void Freeze()
    {
        var attr = new FdOnlyAttr { Fd = (uint)Fd.Value };
        BpfSyscall.Call(BpfCommand.MapFreeze, ref attr, $"map '{Name}'");
    }

    /// <summary>
    /// Whether the kernel reports the map as frozen. Read from /proc/self/fdinfo, which works
    /// for maps frozen by another process too (the kernel has no syscall field for it).
    /// </summary>
    public bool IsFrozen()
    {
        var path = $"/proc/self/fdinfo/{Fd.Value}";
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("frozen:", StringComparison.Ordinal)) return line.AsSpan(7).Trim().SequenceEqual("1");
        }
        return false;
    }

    void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Spec.KeySize)
            throw new ArgumentException($"map '{Name}' has {Spec.KeySize}-byte keys, got {key.Length} bytes", nameof(key));
    }

    void CheckValue(int length)
    {
        if (length != ValueBufferSize)
            throw new ArgumentException(Spec.IsPerCpu
                ? $"per-CPU map '{Name}' values are {ValueBufferSize} bytes ({PossibleCpus.Count} CPUs × {PerCpuLayout.Stride((int)Spec.ValueSize)}-byte slots), got {length}"
                : $"map '{Name}' has {Spec.ValueSize}-byte values, got {length} bytes", "value");
    }

    void CheckFlags(UpdateFlags flags)
    {
        if (flags is not (UpdateFlags.Any or UpdateFlags.NoExist or UpdateFlags.Exist))
            throw new ArgumentException($"update flags for map '{Name}' must be Any, NoExist or Exist, got {(ulong)flags}", nameof(flags));
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
