namespace Netfence.Bpf.Btf;

/// <summary>
/// A set of BTF types. Type id <c>n</c> is <c>Types[n - 1]</c>; id 0 is void. Build one by
/// <see cref="Add"/> (a compiler) or by <see cref="BtfReader"/> (an object file), and turn
/// it into bytes with <see cref="BtfWriter"/>.
/// </summary>
public sealed class BtfSpec
{
    readonly List<BtfType> _types = [];

    /// <summary>The types in id order (id 1 first).</summary>
    public IReadOnlyList<BtfType> Types => _types;

    /// <summary>Appends a type and returns its id.</summary>
    public uint Add(BtfType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        _types.Add(type);
        return (uint)_types.Count;
    }

    /// <summary>Replaces the type with id <paramref name="id"/> (e.g. to fix a DATASEC's size before loading).</summary>
    public void Replace(uint id, BtfType type)
    {
        CheckId(id);
        _types[(int)id - 1] = type;
    }

    /// <summary>The type with id <paramref name="id"/>; id 0 (void) is not a type and is rejected.</summary>
    public BtfType this[uint id]
    {
        get
        {
            CheckId(id);
            return _types[(int)id - 1];
        }
    }

    /// <summary>The id of the first type of kind <typeparamref name="T"/> named <paramref name="name"/>, if any.</summary>
    public bool TryFind<T>(string name, out uint id, out T type) where T : BtfType
    {
        for (int i = 0; i < _types.Count; i++)
        {
            if (_types[i] is T t && t.Name == name)
            {
                id = (uint)i + 1;
                type = t;
                return true;
            }
        }
        id = 0;
        type = null!;
        return false;
    }

    /// <summary>Follows typedefs and qualifiers (const, volatile, restrict, type tags) to the underlying type id.</summary>
    public uint SkipQualifiers(uint id)
    {
        for (int hops = 0; id != 0; hops++)
        {
            if (hops > _types.Count) throw new InvalidOperationException($"BTF type {id} is part of a typedef/qualifier cycle");
            switch (this[id])
            {
                case BtfTypedef t: id = t.Type; break;
                case BtfConst t: id = t.Type; break;
                case BtfVolatile t: id = t.Type; break;
                case BtfRestrict t: id = t.Type; break;
                case BtfTypeTag t: id = t.Type; break;
                default: return id;
            }
        }
        return id;
    }

    /// <summary>The size in bytes of a value of type <paramref name="id"/>, as the C compiler laid it out.</summary>
    public uint SizeOf(uint id)
    {
        var resolved = SkipQualifiers(id);
        if (resolved == 0) throw new InvalidOperationException($"BTF type {id} is void and has no size");
        return this[resolved] switch
        {
            BtfInt t => t.Size,
            BtfPointer => 8,
            BtfStruct t => t.Size,
            BtfUnion t => t.Size,
            BtfEnum t => t.Size,
            BtfEnum64 t => t.Size,
            BtfFloat t => t.Size,
            BtfDatasec t => t.Size,
            BtfArray t => checked(SizeOf(t.ElementType) * t.Count),
            BtfVar t => SizeOf(t.Type),
            var t => throw new InvalidOperationException($"BTF type {resolved} ({t.Kind} '{t.Name}') has no size"),
        };
    }

    void CheckId(uint id)
    {
        if (id == 0 || id > _types.Count)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"no BTF type with id {id} (this spec has ids 1..{_types.Count})");
    }
}
