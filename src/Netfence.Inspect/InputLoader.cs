using Netfence.Bpf.Compiler;
using Netfence.Bpf.Disassembly;
using Netfence.Bpf.Elf;
using Netfence.Bpf.Info;
using Netfence.Bpf.Pinning;
using Netfence.Bpf.Syscalls;

namespace Netfence.Inspect;

/// <summary>
/// Turns an input argument into programs: a C# assembly (compiled first), an eBPF ELF object,
/// <c>id:N</c> for a loaded program, or a bpffs path where a program is pinned.
/// </summary>
public static class InputLoader
{
    public static InspectedInput Load(string input)
    {
        if (input.StartsWith("id:", StringComparison.Ordinal))
        {
            if (!uint.TryParse(input.AsSpan(3), out var id)) throw new InspectException($"{input}: a live program is named id:N with a number N");
            using var fd = ObjectIds.OpenProgram(id);
            return FromLive(input, fd);
        }
        if (!File.Exists(input)) throw new InspectException($"{input}: no such file (give an assembly, an eBPF object, a pinned program path or id:N)");
        if (BpfFs.IsOnBpfFs(Path.GetFullPath(input)))
        {
            using var fd = ObjectPin.Open(input);
            if (ObjectInfo.KindOf(fd) != ObjectKind.Program) throw new InspectException($"{input}: the pinned object is not a program");
            return FromLive(input, fd);
        }
        var head = new byte[4];
        using (var f = File.OpenRead(input)) f.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (head[0] == (byte)'M' && head[1] == (byte)'Z') return FromSpec(input, InputKind.Assembly, Compile(input));
        return FromSpec(input, InputKind.Object, ReadObject(input));
    }

    /// <summary>Reads an ELF object; the reader's message becomes the one-line error.</summary>
    public static CollectionSpec ReadObject(string path)
    {
        try
        {
            return BpfObjectReader.Read(path);
        }
        catch (BpfObjectException e)
        {
            throw new InspectException(e.Message);
        }
    }

    static CollectionSpec Compile(string assembly)
    {
        var result = BpfCompiler.Compile(assembly);
        if (!result.Success || result.ElfObject is null)
        {
            var errors = result.Diagnostics.Select(d => d.ToString()).ToList();
            throw new InspectException(errors.Count == 0
                ? $"{assembly}: the compiler produced no object and no diagnostic"
                : $"{assembly}: the compiler could not compile it:\n  " + string.Join("\n  ", errors));
        }
        if (result.Programs.Count == 0)
            throw new InspectException($"{assembly}: the assembly has no eBPF programs (methods marked [Program]) to compile");
        try
        {
            return BpfObjectReader.Read(result.ElfObject, Path.GetFileNameWithoutExtension(assembly) + ".o");
        }
        catch (BpfObjectException e)
        {
            throw new InspectException($"{assembly}: the compiler's object cannot be read: {e.Message}");
        }
    }

    static InspectedInput FromSpec(string source, InputKind kind, CollectionSpec spec)
    {
        var programs = spec.Programs.Values.OrderBy(p => p.SectionName, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(ProgramListing.FromSpec).ToList();
        var maps = spec.Maps.Values.ToDictionary(m => m.Name, m => new MapReport(m.Name, m.Spec.Type.ToString(), m.Spec.KeySize,
            m.Spec.ValueSize, m.Spec.MaxEntries, m.Spec.Flags.ToString(), null));
        return new InspectedInput(source, kind, spec, programs, maps, OperandNames.Default);
    }

    static InspectedInput FromLive(string source, BpfFd fd)
    {
        var code = ProgramCode.Read(fd);
        var listing = ProgramListing.Create(code.Info.Name, null, code.Info.Type, null, code.Instructions, code.LineInfo);
        var maps = new Dictionary<string, MapReport>();
        foreach (var id in code.Info.MapIds)
        {
            using var mapFd = ObjectIds.OpenMap(id);
            var m = ObjectInfo.Map(mapFd);
            maps[$"id:{id}"] = new MapReport(m.Name, m.Type.ToString(), m.KeySize, m.ValueSize, m.MaxEntries, m.Flags.ToString(), id);
        }
        return new InspectedInput(source, InputKind.Live, null, [listing], maps, new LiveOperandNames(maps));
    }
}
