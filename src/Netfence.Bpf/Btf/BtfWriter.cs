using System.Buffers.Binary;

namespace Netfence.Bpf.Btf;

/// <summary>Produces .BTF bytes from a <see cref="BtfSpec"/>.</summary>
public static class BtfWriter
{
    /// <summary>
    /// Writes <paramref name="spec"/> with its strings in <paramref name="strings"/>. Pass the
    /// same table to <see cref="BtfExtWriter"/> first when the program's .BTF.ext names strings
    /// (file names, source lines) that must live in this blob's string section.
    /// </summary>
    public static byte[] Write(BtfSpec spec, BtfStringTable? strings = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        strings ??= new BtfStringTable();
        var types = new MemoryStream();
        var buf = new byte[4];
        void U32(uint v)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buf, v);
            types.Write(buf);
        }
        uint id = 0;
        foreach (var t in spec.Types)
        {
            id++;
            WriteType(t, id, strings, U32);
        }
        var stringBytes = strings.ToArray();
        var result = new byte[BtfHeader.Size + types.Length + stringBytes.Length];
        var h = result.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(h, BtfHeader.Magic);
        h[2] = BtfHeader.Version;
        h[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], BtfHeader.Size);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)stringBytes.Length);
        types.ToArray().CopyTo(result, BtfHeader.Size);
        stringBytes.CopyTo(result, BtfHeader.Size + (int)types.Length);
        return result;
    }

    static void WriteType(BtfType t, uint id, BtfStringTable s, Action<uint> u32)
    {
        void Head(string name, int vlen, bool kindFlag, uint sizeOrType)
        {
            if (vlen > BtfHeader.MaxVlen)
                throw new ArgumentException($"BTF type {id} ({t.Kind} '{t.Name}') has {vlen} members; the format allows at most {BtfHeader.MaxVlen}");
            u32(s.Add(name));
            u32((uint)vlen | ((uint)t.Kind << 24) | (kindFlag ? 1u << 31 : 0));
            u32(sizeOrType);
        }

        switch (t)
        {
            case BtfInt i:
                if (i.Bits > 128 || i.BitOffset + i.Bits > i.Size * 8)
                    throw new ArgumentException($"BTF type {id} (INT '{i.Name}'): {i.Bits} bits at offset {i.BitOffset} do not fit in {i.Size} bytes");
                Head(i.Name, 0, false, i.Size);
                u32(((uint)i.Encoding << 24) | ((uint)i.BitOffset << 16) | i.Bits);
                break;
            case BtfPointer p: Head("", 0, false, p.Type); break;
            case BtfArray a:
                Head("", 0, false, 0);
                u32(a.ElementType); u32(a.IndexType); u32(a.Count);
                break;
            case BtfStruct or BtfUnion:
            {
                var (name, size, members) = t is BtfStruct st ? (st.Name, st.Size, st.Members) : (((BtfUnion)t).Name, ((BtfUnion)t).Size, ((BtfUnion)t).Members);
                bool bitfields = members.Any(m => m.BitfieldSize != 0);
                Head(name, members.Count, bitfields, size);
                foreach (var m in members)
                {
                    if (bitfields && m.BitOffset > 0xffffff)
                        throw new ArgumentException($"BTF type {id} member '{m.Name}': bit offset {m.BitOffset} does not fit 24 bits beside a bitfield size");
                    u32(s.Add(m.Name)); u32(m.Type);
                    u32(bitfields ? ((uint)m.BitfieldSize << 24) | m.BitOffset : m.BitOffset);
                }
                break;
            }
            case BtfEnum e:
                Head(e.Name, e.Values.Count, e.Signed, e.Size);
                foreach (var v in e.Values)
                {
                    if (v.Value is < int.MinValue or > uint.MaxValue)
                        throw new ArgumentException($"BTF type {id} (ENUM '{e.Name}'): value {v.Name} = {v.Value} needs ENUM64");
                    u32(s.Add(v.Name)); u32(unchecked((uint)v.Value));
                }
                break;
            case BtfEnum64 e:
                Head(e.Name, e.Values.Count, e.Signed, e.Size);
                foreach (var v in e.Values)
                {
                    u32(s.Add(v.Name)); u32(unchecked((uint)v.Value)); u32(unchecked((uint)((ulong)v.Value >> 32)));
                }
                break;
            case BtfForward f: Head(f.Name, 0, f.IsUnion, 0); break;
            case BtfTypedef td: Head(td.Name, 0, false, td.Type); break;
            case BtfVolatile q: Head("", 0, false, q.Type); break;
            case BtfConst q: Head("", 0, false, q.Type); break;
            case BtfRestrict q: Head("", 0, false, q.Type); break;
            case BtfFunc f: Head(f.Name, (int)f.Linkage, false, f.Type); break;
            case BtfFuncProto fp:
                Head("", fp.Parameters.Count, false, fp.ReturnType);
                foreach (var p in fp.Parameters)
                {
                    u32(s.Add(p.Name)); u32(p.Type);
                }
                break;
            case BtfVar v:
                Head(v.Name, 0, false, v.Type);
                u32((uint)v.Linkage);
                break;
            case BtfDatasec ds:
                Head(ds.Name, ds.Variables.Count, false, ds.Size);
                foreach (var v in ds.Variables)
                {
                    u32(v.Type); u32(v.Offset); u32(v.Size);
                }
                break;
            case BtfFloat fl: Head(fl.Name, 0, false, fl.Size); break;
            case BtfDeclTag dt:
                Head(dt.Name, 0, false, dt.Type);
                u32(unchecked((uint)dt.ComponentIndex));
                break;
            case BtfTypeTag tt: Head(tt.Name, 0, false, tt.Type); break;
            default:
                throw new ArgumentException($"BTF type {id} has an unknown model type {t.GetType().Name}");
        }
    }
}
