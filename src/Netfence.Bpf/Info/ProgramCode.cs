using System.Buffers.Binary;
using System.Text;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Info;

/// <summary>
/// A loaded program's code as the kernel keeps it: the verifier-translated ("xlated")
/// instructions, with map ids in place of map fds, and the line_info records with their file
/// names and source text resolved from the program's BTF.
/// </summary>
/// <param name="Info">The program's info.</param>
/// <param name="Instructions">The xlated instructions.</param>
/// <param name="LineInfo">Line info, offsets in xlated slots (empty when loaded without BTF).</param>
public sealed record ProgramCode(ProgramInfo Info, IReadOnlyList<Instruction> Instructions, IReadOnlyList<BtfLineInfo> LineInfo)
{
    const int LineInfoRecordSize = 16;

    /// <summary>Reads the code of the program behind <paramref name="fd"/> (needs CAP_SYS_ADMIN for the raw dump).</summary>
    public static unsafe ProgramCode Read(BpfFd fd)
    {
        var info = ObjectInfo.Program(fd);
        var insns = new byte[info.XlatedSize];
        var lines = new byte[info.LineInfoCount * LineInfoRecordSize];
        fixed (byte* pInsns = insns, pLines = lines)
        {
            // Only the buffers asked for may have non-zero lengths: the kernel fills every one that has.
            var request = default(BpfProgInfo);
            request.XlatedProgLen = (uint)insns.Length;
            request.XlatedProgInsns = (ulong)pInsns;
            if (lines.Length > 0)
            {
                request.NrLineInfo = info.LineInfoCount;
                request.LineInfoRecSize = LineInfoRecordSize;
                request.LineInfo = (ulong)pLines;
            }
            var attr = new ObjInfoAttr { BpfFd = (uint)fd.Value, InfoLen = (uint)sizeof(BpfProgInfo), Info = (ulong)&request };
            BpfSyscall.Call(BpfCommand.ObjGetInfoByFd, ref attr, $"program {fd} (xlated instructions)");
            if (request.XlatedProgInsns == 0 || insns.All(b => b == 0) && insns.Length > 0)
                throw new InvalidOperationException($"the kernel did not return the instructions of program {info.Id}: reading xlated code needs CAP_SYS_ADMIN");
        }
        var instructions = InstructionStream.Decode(insns);
        var lineInfo = lines.Length > 0 && info.BtfId != 0 ? DecodeLineInfo(lines, BtfStrings(info.BtfId)) : [];
        return new ProgramCode(info, instructions, lineInfo);
    }

    static List<BtfLineInfo> DecodeLineInfo(byte[] records, byte[] strings)
    {
        var result = new List<BtfLineInfo>(records.Length / LineInfoRecordSize);
        for (int off = 0; off < records.Length; off += LineInfoRecordSize)
        {
            var r = records.AsSpan(off);
            var insnOff = BinaryPrimitives.ReadUInt32LittleEndian(r);
            var file = StringAt(strings, BinaryPrimitives.ReadUInt32LittleEndian(r[4..]));
            var text = StringAt(strings, BinaryPrimitives.ReadUInt32LittleEndian(r[8..]));
            var (line, column) = BtfLineInfo.UnpackLineCol(BinaryPrimitives.ReadUInt32LittleEndian(r[12..]));
            result.Add(new BtfLineInfo(insnOff, file, text, line, column));
        }
        return result;
    }

    static string StringAt(byte[] strings, uint offset)
    {
        if (offset >= strings.Length) return "";
        int end = Array.IndexOf(strings, (byte)0, (int)offset);
        return Encoding.UTF8.GetString(strings, (int)offset, (end < 0 ? strings.Length : end) - (int)offset);
    }

    /// <summary>The string section of the BTF object <paramref name="btfId"/> (line_info names point into it).</summary>
    static unsafe byte[] BtfStrings(uint btfId)
    {
        var idAttr = new IdAttr { Id = btfId };
        using var btfFd = BpfSyscall.CallForFd(BpfCommand.BtfGetFdById, ref idAttr, $"BTF id {btfId}");
        var sizeOnly = default(BpfBtfInfo);
        var attr = new ObjInfoAttr { BpfFd = (uint)btfFd.Value, InfoLen = (uint)sizeof(BpfBtfInfo), Info = (ulong)&sizeOnly };
        BpfSyscall.Call(BpfCommand.ObjGetInfoByFd, ref attr, $"BTF id {btfId}");
        var blob = new byte[sizeOnly.BtfSize];
        fixed (byte* p = blob)
        {
            var full = new BpfBtfInfo { Btf = (ulong)p, BtfSize = (uint)blob.Length };
            attr = new ObjInfoAttr { BpfFd = (uint)btfFd.Value, InfoLen = (uint)sizeof(BpfBtfInfo), Info = (ulong)&full };
            BpfSyscall.Call(BpfCommand.ObjGetInfoByFd, ref attr, $"BTF id {btfId}");
        }
        // struct btf_header: magic u16, version u8, flags u8, hdr_len u32, type_off, type_len, str_off, str_len.
        if (blob.Length < 24) throw new BtfFormatException($"BTF id {btfId}", 0, $"{blob.Length} bytes, shorter than its header");
        var hdrLen = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4));
        var strOff = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(16));
        var strLen = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(20));
        var start = (long)hdrLen + strOff;
        if (start + strLen > blob.Length) throw new BtfFormatException($"BTF id {btfId}", start, "its string section runs past the end of the blob");
        return blob.AsSpan((int)start, (int)strLen).ToArray();
    }
}
