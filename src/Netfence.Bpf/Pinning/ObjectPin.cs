using System.Text;
using Netfence.Bpf.Info;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Pinning;

/// <summary>
/// Pins objects (maps, programs, links) to bpffs paths and opens pinned objects, so that they
/// outlive the process that made them and a later process can adopt them.
/// </summary>
public static class ObjectPin
{
    /// <summary>Pins <paramref name="fd"/> at <paramref name="path"/> (which must be on bpffs).</summary>
    public static unsafe void Pin(BpfFd fd, string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            var attr = new ObjPinAttr { Pathname = (ulong)p, BpfFd = (uint)fd.Value };
            BpfSyscall.Call(BpfCommand.ObjPin, ref attr, path);
        }
    }

    /// <summary>Opens the object pinned at <paramref name="path"/>, returning a new owned fd.</summary>
    public static unsafe BpfFd Open(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            var attr = new ObjPinAttr { Pathname = (ulong)p };
            return BpfSyscall.CallForFd(BpfCommand.ObjGet, ref attr, path);
        }
    }

    /// <summary>Removes a pin (the object lives on while anything else holds it). False when there was none.</summary>
    public static bool Unpin(string path)
    {
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }

    /// <summary>Pins a map at <paramref name="path"/>.</summary>
    public static void Pin(BpfMap map, string path) => Pin(map.Fd, path);

    /// <summary>Pins a program at <paramref name="path"/>.</summary>
    public static void Pin(BpfProgram program, string path) => Pin(program.Fd, path);

    /// <summary>Opens a pinned map, describing it from the kernel's map info; fails if the pin is not a map.</summary>
    public static BpfMap OpenMap(string path)
    {
        var fd = OpenKind(path, ObjectKind.Map);
        var info = ObjectInfo.Map(fd);
        var name = info.Name.Length > 0 ? info.Name : Path.GetFileName(path);
        return BpfMap.FromFd(fd, new MapSpec
        {
            Name = name,
            Type = info.Type,
            KeySize = info.KeySize,
            ValueSize = info.ValueSize,
            MaxEntries = info.MaxEntries,
            Flags = info.Flags,
        });
    }

    /// <summary>Opens a pinned program; fails if the pin is not a program.</summary>
    public static BpfProgram OpenProgram(string path)
    {
        var fd = OpenKind(path, ObjectKind.Program);
        var info = ObjectInfo.Program(fd);
        return BpfProgram.FromFd(fd, info.Name.Length > 0 ? info.Name : Path.GetFileName(path), info.Type);
    }

    /// <summary>Opens a pinned link's fd; fails if the pin is not a link.</summary>
    public static BpfFd OpenLink(string path) => OpenKind(path, ObjectKind.Link);

    static BpfFd OpenKind(string path, ObjectKind expected)
    {
        var fd = Open(path);
        try
        {
            var kind = ObjectInfo.KindOf(fd);
            if (kind != expected)
                throw new InvalidOperationException($"the object pinned at {path} is a {kind.ToString().ToLowerInvariant()}, not a {expected.ToString().ToLowerInvariant()}");
            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }
}
