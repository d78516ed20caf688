using Netfence.Bpf.Btf;
using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Elf;

/// <summary>
/// Decodes a BTF-defined map: a VAR in DATASEC <c>.maps</c> whose struct members encode the
/// attributes. <c>__uint(name, n)</c> is a pointer to an array of n ints (the number lives in
/// the type); <c>__type(name, T)</c> is a pointer to T (its size is the key or value size).
/// </summary>
internal static class MapDefinition
{
    public static CollectionMapSpec Parse(BtfSpec btf, BtfVar var, string file)
    {
        BpfObjectException Error(string problem) => new(file, $"map '{var.Name}': {problem}");
        var resolved = btf.SkipQualifiers(var.Type);
        if (resolved == 0 || btf[resolved] is not BtfStruct def) throw Error("its BTF type is not a struct of __uint/__type members");

        uint? type = null, keySize = null, valueSize = null, maxEntries = null, flags = null, pinning = null;
        uint keyType = 0, valueType = 0;
        foreach (var m in def.Members)
        {
            switch (m.Name)
            {
                case "type": type = Uint(m); break;
                case "max_entries": maxEntries = Uint(m); break;
                case "map_flags": flags = Uint(m); break;
                case "pinning": pinning = Uint(m); break;
                case "key_size": keySize = Check("key", keySize, Uint(m)); break;
                case "value_size": valueSize = Check("value", valueSize, Uint(m)); break;
                case "key": keySize = Check("key", keySize, TypeSize(m, out keyType)); break;
                case "value": valueSize = Check("value", valueSize, TypeSize(m, out valueType)); break;
                default:
                    throw Error($"attribute '{m.Name}' is not supported (supported: type, key, value, key_size, value_size, max_entries, map_flags, pinning)");
            }
        }
        if (type is null) throw Error("has no __uint(type, ...)");
        if (!Enum.IsDefined((MapType)type.Value)) throw Error($"map type {type} is not one this loader knows");
        if (pinning is not null && pinning > (uint)MapPinning.ByName)
            throw Error($"pinning {pinning} is not supported (0 = none, 1 = LIBBPF_PIN_BY_NAME)");
        var spec = new MapSpec
        {
            Name = var.Name,
            Type = (MapType)type.Value,
            KeySize = keySize ?? 0,
            ValueSize = valueSize ?? 0,
            MaxEntries = maxEntries ?? 0,
            Flags = (MapFlags)(flags ?? 0),
            PinName = pinning == (uint)MapPinning.ByName ? var.Name : null,
        };
        return new CollectionMapSpec(spec, (MapPinning)(pinning ?? 0), null, false, null) { BtfKeyType = keyType, BtfValueType = valueType };

        uint Uint(BtfMember m)
        {
            if (btf.SkipQualifiers(m.Type) is var p and not 0 && btf[p] is BtfPointer ptr
                && btf.SkipQualifiers(ptr.Type) is var a and not 0 && btf[a] is BtfArray array)
                return array.Count;
            throw Error($"member '{m.Name}' is not an __uint(...) (pointer to an array)");
        }

        uint TypeSize(BtfMember m, out uint typeId)
        {
            if (btf.SkipQualifiers(m.Type) is var p and not 0 && btf[p] is BtfPointer ptr)
            {
                typeId = ptr.Type;
                try
                {
                    return btf.SizeOf(ptr.Type);
                }
                catch (InvalidOperationException e)
                {
                    throw Error($"member '{m.Name}': {e.Message}");
                }
            }
            throw Error($"member '{m.Name}' is not a __type(...) (pointer to the type)");
        }

        uint Check(string what, uint? existing, uint size)
        {
            if (existing is { } e && e != size) throw Error($"{what} size is given twice and differs ({e} and {size})");
            return size;
        }
    }
}
