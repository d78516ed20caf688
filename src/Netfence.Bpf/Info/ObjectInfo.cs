using System.Text;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Info;

/// <summary>BPF_OBJ_GET_INFO_BY_FD for programs, maps and links, and what kind an fd is.</summary>
public static class ObjectInfo
{
    /// <summary>Describes a loaded program, including the ids of the maps it uses.</summary>
    public static unsafe ProgramInfo Program(BpfFd fd)
    {
        var info = default(BpfProgInfo);
        Get(fd, &info, sizeof(BpfProgInfo), "program");
        var mapIds = new uint[info.NrMapIds];
        if (mapIds.Length > 0)
        {
            // A second call with only the map id buffer set: the kernel copies into every
            // buffer whose length field is non-zero, so the rest must stay zero.
            fixed (uint* p = mapIds)
            {
                var second = default(BpfProgInfo);
                second.NrMapIds = (uint)mapIds.Length;
                second.MapIds = (ulong)p;
                Get(fd, &second, sizeof(BpfProgInfo), "program");
                if (second.NrMapIds < mapIds.Length) mapIds = mapIds[..(int)second.NrMapIds];
            }
        }
        var tag = new StringBuilder(16);
        for (int i = 0; i < 8; i++) tag.Append(info.Tag[i].ToString("x2"));
        return new ProgramInfo(info.Id, (ProgramType)info.Type, ReadName(info.Name), tag.ToString(), info.XlatedProgLen,
            info.JitedProgLen, mapIds, info.BtfId, info.NrLineInfo, info.VerifiedInsns);
    }

    /// <summary>
    /// A program's run count and run time so far (both stay 0 unless run time statistics are enabled; see
    /// <see cref="RunTimeStatistics"/>).
    /// </summary>
    public static unsafe ProgramRunStats RunStats(BpfFd fd)
    {
        var info = default(BpfProgInfo);
        Get(fd, &info, sizeof(BpfProgInfo), "program");
        return new ProgramRunStats(info.RunCnt, info.RunTimeNs);
    }

    /// <summary>Describes a map.</summary>
    public static unsafe MapInfo Map(BpfFd fd)
    {
        var info = default(BpfMapInfo);
        Get(fd, &info, sizeof(BpfMapInfo), "map");
        return new MapInfo(info.Id, (MapType)info.Type, ReadName(info.Name), info.KeySize, info.ValueSize, info.MaxEntries, (MapFlags)info.MapFlags, info.BtfId);
    }

    /// <summary>Describes a link.</summary>
    public static unsafe LinkInfo Link(BpfFd fd)
    {
        var info = default(BpfLinkInfo);
        Get(fd, &info, sizeof(BpfLinkInfo), "link");
        return new LinkInfo(info.Id, (LinkType)info.Type, info.ProgId);
    }

    /// <summary>
    /// What kind of bpf object <paramref name="fd"/> refers to, from <c>/proc/self/fdinfo</c>
    /// (the kernel writes <c>map_type</c>, <c>prog_type</c> or <c>link_type</c> there).
    /// </summary>
    public static ObjectKind KindOf(BpfFd fd)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/self/fdinfo/{fd.Value}");
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"cannot read /proc/self/fdinfo/{fd.Value} to tell what {fd} is: {e.Message}", e);
        }
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("link_type:", StringComparison.Ordinal)) return ObjectKind.Link;
            if (line.StartsWith("prog_type:", StringComparison.Ordinal)) return ObjectKind.Program;
            if (line.StartsWith("map_type:", StringComparison.Ordinal)) return ObjectKind.Map;
            if (line.StartsWith("btf_id:", StringComparison.Ordinal) && !text.Contains("_type:", StringComparison.Ordinal)) return ObjectKind.Btf;
        }
        throw new InvalidOperationException($"{fd} is not a bpf map, program, link or BTF object");
    }

    static unsafe void Get(BpfFd fd, void* info, int size, string what)
    {
        var attr = new ObjInfoAttr { BpfFd = (uint)fd.Value, InfoLen = (uint)size, Info = (ulong)info };
        BpfSyscall.Call(BpfCommand.ObjGetInfoByFd, ref attr, $"{what} {fd}");
    }

    static unsafe string ReadName(byte* name)
    {
        int n = 0;
        while (n < 16 && name[n] != 0) n++;
        return Encoding.ASCII.GetString(name, n);
    }
}
