using System.Buffers.Binary;
using Netfence.Bpf.Btf;

namespace Netfence.Bpf.Elf;

/// <summary>
/// Everything an eBPF object file describes: programs, maps, global data and BTF, ready to be
/// adjusted (e.g. <see cref="RewriteConstant(string, ulong)"/>) and then loaded by
/// <see cref="CollectionLoader"/>.
/// </summary>
public sealed class CollectionSpec
{
    internal CollectionSpec(string fileName, IReadOnlyDictionary<string, CollectionProgramSpec> programs,
        IReadOnlyDictionary<string, CollectionMapSpec> maps, IReadOnlyDictionary<string, DataVariable> variables,
        BtfSpec? btf, string license)
    {
        FileName = fileName;
        Programs = programs;
        Maps = maps;
        Variables = variables;
        Btf = btf;
        License = license;
    }

    /// <summary>The object file this came from.</summary>
    public string FileName { get; }

    /// <summary>Programs by function name.</summary>
    public IReadOnlyDictionary<string, CollectionProgramSpec> Programs { get; }

    /// <summary>Maps by name (data sections under their section name, e.g. <c>.rodata</c>).</summary>
    public IReadOnlyDictionary<string, CollectionMapSpec> Maps { get; }

    /// <summary>Global variables in data sections, by symbol name.</summary>
    public IReadOnlyDictionary<string, DataVariable> Variables { get; }

    /// <summary>The object's BTF (with data section sizes and offsets filled in), or null without <c>-g</c>.</summary>
    public BtfSpec? Btf { get; }

    /// <summary>The <c>license</c> section's text ("" when the object has none).</summary>
    public string License { get; }

    /// <summary>Overwrites the initial bytes of the global variable <paramref name="name"/> before the collection loads.</summary>
    public void RewriteConstant(string name, ReadOnlySpan<byte> value)
    {
        if (!Variables.TryGetValue(name, out var v))
            throw new KeyNotFoundException($"{FileName}: no global variable named '{name}' (known: {string.Join(", ", Variables.Keys.Order())})");
        if (value.Length != v.Size)
            throw new ArgumentException($"{FileName}: variable '{name}' in {v.Section} is {v.Size} bytes, the new value is {value.Length} bytes", nameof(value));
        var contents = Maps[v.Section].Contents!;
        value.CopyTo(contents.AsSpan(v.Offset, v.Size));
    }

    /// <summary>Overwrites an integer variable; the value must fit the variable's size (1, 2, 4 or 8 bytes).</summary>
    public void RewriteConstant(string name, ulong value)
    {
        if (!Variables.TryGetValue(name, out var v))
            throw new KeyNotFoundException($"{FileName}: no global variable named '{name}' (known: {string.Join(", ", Variables.Keys.Order())})");
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        if (v.Size is not (1 or 2 or 4 or 8))
            throw new ArgumentException($"{FileName}: variable '{name}' is {v.Size} bytes, not an integer; pass its bytes instead", nameof(name));
        if (v.Size < 8 && value >> (v.Size * 8) != 0)
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{FileName}: {value} does not fit the {v.Size}-byte variable '{name}'");
        RewriteConstant(name, bytes[..v.Size]);
    }

    /// <summary>Reads the current initial bytes of a global variable.</summary>
    public byte[] ReadVariable(string name)
    {
        if (!Variables.TryGetValue(name, out var v))
            throw new KeyNotFoundException($"{FileName}: no global variable named '{name}'");
        return Maps[v.Section].Contents!.AsSpan(v.Offset, v.Size).ToArray();
    }
}
