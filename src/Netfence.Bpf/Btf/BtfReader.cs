namespace Netfence.Bpf.Btf;

/// <summary>
/// Parses a .BTF blob into a <see cref="BtfSpec"/>. Every length, offset and string reference is
/// checked; malformed input raises <see cref="BtfFormatException"/> with the byte offset.
/// </summary>
public static class BtfReader
{
    const string Section = ".BTF";

    /// <summary>Parses <paramref name="btf"/>; <paramref name="strings"/> is its string table (needed to read .BTF.ext).</summary>
    public static BtfSpec Read(byte[] btf, out BtfStringTable strings)
    {
        ArgumentNullException.ThrowIfNull(btf);
        var header = new BtfCursor(btf, Section, 0, btf.Length);
        var magic = header.U16("header magic");
        if (magic != BtfHeader.Magic)
            throw header.Error($"bad magic 0x{magic:x4} (expected 0x{BtfHeader.Magic:x4}; big-endian BTF is not supported)", 0);
        var version = header.U8("header version");
        if (version != BtfHeader.Version) throw header.Error($"unsupported version {version} (expected {BtfHeader.Version})", 2);
        header.U8("header flags");
        var hdrLen = header.U32("header length");
        if (hdrLen < BtfHeader.Size || hdrLen > btf.Length)
            throw header.Error($"header length {hdrLen} is outside 24..{btf.Length}", 4);
        var typeOff = header.U32("type_off");
        var typeLen = header.U32("type_len");
        var strOff = header.U32("str_off");
        var strLen = header.U32("str_len");
        long typeStart = hdrLen + (long)typeOff, typeEnd = typeStart + typeLen;
        long strStart = hdrLen + (long)strOff, strEnd = strStart + strLen;
        if (typeEnd > btf.Length)
            throw header.Error($"type section [{typeStart}, {typeEnd}) runs past the end of the {btf.Length}-byte blob", 12);
        if (strEnd > btf.Length)
            throw header.Error($"string section [{strStart}, {strEnd}) runs past the end of the {btf.Length}-byte blob", 20);
        if (typeOff % 4 != 0) throw header.Error($"type_off {typeOff} is not 4-byte aligned", 8);

        strings = BtfStringTable.FromBytes(btf[(int)strStart..(int)strEnd], strStart);
        var spec = new BtfSpec();
        var c = new BtfCursor(btf, Section, (int)typeStart, (int)typeEnd);
        while (!c.AtEnd) spec.Add(ReadType(c, strings));
        return spec;
    }

    /// <summary>Parses <paramref name="btf"/>.</summary>
    public static BtfSpec Read(byte[] btf) => Read(btf, out _);

    static BtfType ReadType(BtfCursor c, BtfStringTable strings)
    {
        int at = c.Position;
        var nameOff = c.U32("btf_type.name_off");
        var info = c.U32("btf_type.info");
        var sizeOrType = c.U32("btf_type.size/type");
        int vlen = (int)(info & 0xffff);
        var kind = (BtfKind)((info >> 24) & 0x1f);
        bool kindFlag = (info >> 31) != 0;
        string Name() => strings.Get(nameOff, Section, at);

        switch (kind)
        {
            case BtfKind.Int:
            {
                var enc = c.U32("INT encoding");
                return new BtfInt(Name(), sizeOrType, (BtfIntEncoding)((enc >> 24) & 0x0f), (byte)((enc >> 16) & 0xff), (byte)(enc & 0xff));
            }
            case BtfKind.Pointer: return new BtfPointer(sizeOrType);
            case BtfKind.Array:
                return new BtfArray(c.U32("ARRAY element type"), c.U32("ARRAY index type"), c.U32("ARRAY nelems"));
            case BtfKind.Struct or BtfKind.Union:
            {
                var members = new BtfMember[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    int mAt = c.Position;
                    var mName = c.U32("member name_off");
                    var mType = c.U32("member type");
                    var mOff = c.U32("member offset");
                    members[i] = kindFlag
                        ? new BtfMember(strings.Get(mName, Section, mAt), mType, mOff & 0xffffff, (byte)(mOff >> 24))
                        : new BtfMember(strings.Get(mName, Section, mAt), mType, mOff);
                }
                return kind == BtfKind.Struct ? new BtfStruct(Name(), sizeOrType, members) : new BtfUnion(Name(), sizeOrType, members);
            }
            case BtfKind.Enum:
            {
                var values = new BtfEnumValue[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    int vAt = c.Position;
                    var vName = c.U32("enumerator name_off");
                    var raw = c.U32("enumerator value");
                    values[i] = new BtfEnumValue(strings.Get(vName, Section, vAt), kindFlag ? (int)raw : raw);
                }
                return new BtfEnum(Name(), sizeOrType, kindFlag, values);
            }
            case BtfKind.Enum64:
            {
                var values = new BtfEnumValue[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    int vAt = c.Position;
                    var vName = c.U32("enum64 name_off");
                    ulong lo = c.U32("enum64 val_lo32"), hi = c.U32("enum64 val_hi32");
                    values[i] = new BtfEnumValue(strings.Get(vName, Section, vAt), (long)((hi << 32) | lo));
                }
                return new BtfEnum64(Name(), sizeOrType, kindFlag, values);
            }
            case BtfKind.Forward: return new BtfForward(Name(), kindFlag);
            case BtfKind.Typedef: return new BtfTypedef(Name(), sizeOrType);
            case BtfKind.Volatile: return new BtfVolatile(sizeOrType);
            case BtfKind.Const: return new BtfConst(sizeOrType);
            case BtfKind.Restrict: return new BtfRestrict(sizeOrType);
            case BtfKind.Func:
                if (vlen > (int)BtfLinkage.Extern) throw c.Error($"FUNC has unknown linkage {vlen}", at);
                return new BtfFunc(Name(), sizeOrType, (BtfLinkage)vlen);
            case BtfKind.FuncProto:
            {
                var ps = new BtfParameter[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    int pAt = c.Position;
                    var pName = c.U32("parameter name_off");
                    ps[i] = new BtfParameter(strings.Get(pName, Section, pAt), c.U32("parameter type"));
                }
                return new BtfFuncProto(sizeOrType, ps);
            }
            case BtfKind.Var:
            {
                var linkage = c.U32("VAR linkage");
                if (linkage > (uint)BtfLinkage.Extern) throw c.Error($"VAR has unknown linkage {linkage}", at);
                return new BtfVar(Name(), sizeOrType, (BtfLinkage)linkage);
            }
            case BtfKind.Datasec:
            {
                var vars = new BtfVarSecInfo[vlen];
                for (int i = 0; i < vlen; i++)
                    vars[i] = new BtfVarSecInfo(c.U32("DATASEC var type"), c.U32("DATASEC var offset"), c.U32("DATASEC var size"));
                return new BtfDatasec(Name(), sizeOrType, vars);
            }
            case BtfKind.Float: return new BtfFloat(Name(), sizeOrType);
            case BtfKind.DeclTag: return new BtfDeclTag(Name(), sizeOrType, (int)c.U32("DECL_TAG component_idx"));
            case BtfKind.TypeTag: return new BtfTypeTag(Name(), sizeOrType);
            default:
                throw c.Error($"unknown BTF kind {(int)kind}", at);
        }
    }
}
