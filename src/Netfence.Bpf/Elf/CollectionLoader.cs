using System.Buffers.Binary;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Info;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Pinning;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Elf;

/// <summary>
/// Loads a <see cref="CollectionSpec"/>: BTF, then maps (reusing compatible pins; created with the BTF types of
/// their keys and values where the kernel accepts them, see <see cref="MapBtfTypes"/>), then programs
/// with map fds patched in. All or nothing: on any failure everything created so far is closed
/// and pins this load made are removed.
/// </summary>
public static class CollectionLoader
{
    /// <summary>Loads every map and program of <paramref name="spec"/>.</summary>
    public static Collection Load(CollectionSpec spec, CollectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new CollectionOptions();
        var maps = new Dictionary<string, BpfMap>(StringComparer.Ordinal);
        var programs = new Dictionary<string, BpfProgram>(StringComparer.Ordinal);
        var createdPins = new List<string>();
        BpfFd? btfFd = null;
        try
        {
            // The BTF goes first: maps refer to it by type id, programs by func_info and line_info (whose strings join
            // the BTF's string table, hence encoded before it is written).
            var strings = new BtfStringTable();
            var lineRecords = new Dictionary<string, byte[]>();
            foreach (var p in spec.Programs.Values) lineRecords[p.Name] = EncodeLineInfo(p.LineInfo, strings);
            var mapTypes = spec.Maps.Values.ToDictionary(m => m.Name, m => MapBtfTypes.For(spec.Btf, m));
            if (spec.Btf is not null && (spec.Programs.Values.Any(p => p.FuncInfo.Count > 0) || mapTypes.Values.Any(t => t is not null)))
                btfFd = BtfLoader.Load(BtfWriter.Write(spec.Btf, strings));

            foreach (var m in spec.Maps.Values)
            {
                var btf = btfFd is not null && mapTypes[m.Name] is var (key, value) ? new MapBtf(btfFd, key, value) : null;
                maps[m.Name] = CreateMap(spec, m, btf, options, createdPins);
            }

            foreach (var p in spec.Programs.Values)
            {
                var programSpec = new ProgramSpec
                {
                    Name = p.Name,
                    Type = p.Type,
                    ExpectedAttachType = p.ExpectedAttachType,
                    Instructions = ResolveReferences(spec, p, maps),
                    License = p.License,
                    SectionName = p.SectionName,
                    Btf = btfFd is not null && p.FuncInfo.Count > 0 ? new ProgramBtf(btfFd, EncodeFuncInfo(p.FuncInfo), lineRecords[p.Name], p.LineInfo) : null,
                };
                programs[p.Name] = BpfProgram.Load(programSpec, options.LogLevel);
            }
            return new Collection(maps, programs, createdPins);
        }
        catch
        {
            foreach (var p in programs.Values) p.Dispose();
            foreach (var m in maps.Values) m.Dispose();
            foreach (var pin in createdPins) ObjectPin.Unpin(pin);
            throw;
        }
        finally
        {
            // Loaded programs hold their own reference to the BTF object.
            btfFd?.Dispose();
        }
    }

    static BpfMap CreateMap(CollectionSpec spec, CollectionMapSpec m, MapBtf? btf, CollectionOptions options, List<string> createdPins)
    {
        if (m.Pinning == MapPinning.ByName)
        {
            if (options.PinDirectory is null)
                throw new ArgumentException($"{spec.FileName}: map '{m.Name}' asks to be pinned by name; set {nameof(CollectionOptions)}.{nameof(CollectionOptions.PinDirectory)} to a bpffs directory", nameof(options));
            var path = Path.Combine(options.PinDirectory, m.Name);
            if (File.Exists(path))
            {
                var existing = ObjectPin.OpenMap(path);
                try
                {
                    CheckCompatible(spec, m, existing, path);
                }
                catch
                {
                    existing.Dispose();
                    throw;
                }
                return BpfMap.FromFd(existing.Fd, m.Spec);
            }
            var created = BpfMap.Create(m.Spec, btf);
            try
            {
                ObjectPin.Pin(created, path);
            }
            catch
            {
                created.Dispose();
                throw;
            }
            createdPins.Add(path);
            return created;
        }

        var map = BpfMap.Create(m.Spec, btf);
        try
        {
            if (m.Contents is { } contents)
            {
                map.Update(stackalloc byte[4], contents);
                if (m.Freeze) map.Freeze();
            }
            return map;
        }
        catch
        {
            map.Dispose();
            throw;
        }
    }

    static void CheckCompatible(CollectionSpec spec, CollectionMapSpec wanted, BpfMap pinned, string path)
    {
        var have = ObjectInfo.Map(pinned.Fd);
        var w = wanted.Spec;
        var differences = new List<string>();
        if (have.Type != w.Type) differences.Add($"type {have.Type} vs {w.Type}");
        if (have.KeySize != w.KeySize) differences.Add($"key size {have.KeySize} vs {w.KeySize}");
        if (have.ValueSize != w.ValueSize) differences.Add($"value size {have.ValueSize} vs {w.ValueSize}");
        if (have.MaxEntries != w.MaxEntries) differences.Add($"max entries {have.MaxEntries} vs {w.MaxEntries}");
        if (have.Flags != w.Flags) differences.Add($"flags {have.Flags} vs {w.Flags}");
        if (differences.Count > 0)
            throw new InvalidOperationException($"{spec.FileName}: the map pinned at {path} is not compatible with map '{wanted.Name}' ({string.Join(", ", differences)} [pinned vs object]); remove the pin or fix the object");
    }

    static List<Instruction> ResolveReferences(CollectionSpec spec, CollectionProgramSpec p, Dictionary<string, BpfMap> maps)
    {
        var result = new List<Instruction>(p.Instructions.Count);
        foreach (var insn in p.Instructions)
        {
            if (insn.Reference is not { } name)
            {
                result.Add(insn);
                continue;
            }
            if (!maps.TryGetValue(name, out var map))
                throw new InvalidOperationException($"{spec.FileName}: program '{p.Name}' references map '{name}', which the collection does not define");
            // PSEUDO_MAP_VALUE keeps the value offset in the second slot's immediate (upper half).
            long constant = (insn.Constant & unchecked((long)0xffffffff00000000)) | (uint)map.Fd.Value;
            result.Add(insn with { Constant = constant, Reference = null });
        }
        return result;
    }

    static byte[] EncodeFuncInfo(IReadOnlyList<BtfFuncInfo> records)
    {
        var bytes = new byte[records.Count * ProgramBtf.FuncInfoRecordSize];
        for (int i = 0; i < records.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8), records[i].InstructionOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 8 + 4), records[i].TypeId);
        }
        return bytes;
    }

    static byte[] EncodeLineInfo(IReadOnlyList<BtfLineInfo> records, BtfStringTable strings)
    {
        var bytes = new byte[records.Count * ProgramBtf.LineInfoRecordSize];
        for (int i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var s = bytes.AsSpan(i * 16);
            BinaryPrimitives.WriteUInt32LittleEndian(s, r.InstructionOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(s[4..], strings.Add(r.FileName));
            BinaryPrimitives.WriteUInt32LittleEndian(s[8..], strings.Add(r.LineText));
            BinaryPrimitives.WriteUInt32LittleEndian(s[12..], BtfLineInfo.PackLineCol(r.Line, r.Column));
        }
        return bytes;
    }
}
