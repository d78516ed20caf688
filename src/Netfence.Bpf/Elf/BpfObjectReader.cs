using System.Buffers.Binary;
using System.Text;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;
using Netfence.Bpf.Btf;
using Netfence.Bpf.Maps;

namespace Netfence.Bpf.Elf;

/// <summary>
/// Reads a relocatable eBPF ELF object (as <c>clang -target bpf -c</c> writes it) into a
/// <see cref="CollectionSpec"/>. ELFSharp parses the container; everything it or the object's
/// contents get wrong surfaces as a <see cref="BpfObjectException"/> naming the file.
/// </summary>
public static partial class BpfObjectReader
{
    const ushort EmBpf = 247;
    const int ElfHeaderSize = 64;

    /// <summary>Reads the object file at <paramref name="path"/>.</summary>
    public static CollectionSpec Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BpfObjectException(path, $"cannot read the file: {e.Message}", e);
        }
        return Read(bytes, path);
    }

    /// <summary>Reads an object held in memory; <paramref name="fileName"/> names it in errors.</summary>
    public static CollectionSpec Read(byte[] bytes, string fileName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        CheckHeader(bytes, fileName);
        IELF? elf = null;
        try
        {
            if (!ELFReader.TryLoad(new MemoryStream(bytes, writable: false), true, out elf) || elf is null)
                throw new BpfObjectException(fileName, "not a readable ELF file");
            return new ObjectParser(fileName, bytes, elf).Parse();
        }
        catch (BpfObjectException)
        {
            throw;
        }
        catch (BtfFormatException e)
        {
            throw new BpfObjectException(fileName, e.Message, e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // ELFSharp reports corrupt tables with whatever exception its reader hit; the user
            // needs the file and the fact that it is corrupt, not ELFSharp's stack.
            throw new BpfObjectException(fileName, $"the ELF structure is corrupt or truncated ({e.GetType().Name}: {e.Message})", e);
        }
        finally
        {
            elf?.Dispose();
        }
    }

    /// <summary>Checks the identification bytes ourselves, so common mistakes get precise messages.</summary>
    static void CheckHeader(byte[] b, string file)
    {
        if (b.Length < 4 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new BpfObjectException(file, b.Length < 4 ? $"not an ELF file: only {b.Length} bytes" : "not an ELF file: the magic bytes 7f 45 4c 46 are missing");
        if (b.Length < ElfHeaderSize)
            throw new BpfObjectException(file, $"truncated ELF header: {b.Length} bytes, a 64-bit header needs {ElfHeaderSize}");
        if (b[4] != 2) throw new BpfObjectException(file, "not a 64-bit ELF file (eBPF objects are ELFCLASS64)");
        if (b[5] != 1) throw new BpfObjectException(file, "not a little-endian ELF file (big-endian eBPF objects are not supported)");
        var machine = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(18));
        if (machine != EmBpf)
            throw new BpfObjectException(file, $"not an eBPF object: e_machine is {machine} ({MachineName(machine)}), expected {EmBpf} (EM_BPF); compile with clang -target bpf");
        var type = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(16));
        if (type != 1) throw new BpfObjectException(file, $"not a relocatable object (e_type {type}, expected 1 = ET_REL); pass the output of clang -c");
        var shoff = BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(40));
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(58));
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(60));
        if (shnum == 0) throw new BpfObjectException(file, "the ELF file has no section headers");
        if (shentsize != 64) throw new BpfObjectException(file, $"section header entries are {shentsize} bytes, expected 64");
        if (shoff > (ulong)b.Length || (ulong)b.Length - shoff < (ulong)shnum * shentsize)
            throw new BpfObjectException(file, $"truncated: the section header table ({shnum} entries at offset {shoff}) runs past the end of the {b.Length}-byte file");
    }

    static string MachineName(ushort m) => m switch
    {
        3 => "x86",
        62 => "x86-64",
        40 => "ARM",
        183 => "AArch64",
        243 => "RISC-V",
        _ => "unknown",
    };
}
