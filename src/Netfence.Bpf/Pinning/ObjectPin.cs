using System.Text;
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
}
