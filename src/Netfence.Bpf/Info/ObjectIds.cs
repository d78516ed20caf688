using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Info;

/// <summary>Enumerates the kernel's program, map and link ids and opens objects by id (needs root).</summary>
public static class ObjectIds
{
    /// <summary>Every loaded program's id, ascending.</summary>
    public static IEnumerable<uint> Programs() => Enumerate(BpfCommand.ProgGetNextId);

    /// <summary>Every map's id, ascending.</summary>
    public static IEnumerable<uint> Maps() => Enumerate(BpfCommand.MapGetNextId);

    /// <summary>Every link's id, ascending.</summary>
    public static IEnumerable<uint> Links() => Enumerate(BpfCommand.LinkGetNextId);

    /// <summary>Opens the program with id <paramref name="id"/>.</summary>
    public static BpfFd OpenProgram(uint id) => Open(BpfCommand.ProgGetFdById, id, "program");

    /// <summary>Opens the map with id <paramref name="id"/>.</summary>
    public static BpfFd OpenMap(uint id) => Open(BpfCommand.MapGetFdById, id, "map");

    /// <summary>Opens the link with id <paramref name="id"/>.</summary>
    public static BpfFd OpenLink(uint id) => Open(BpfCommand.LinkGetFdById, id, "link");

    static IEnumerable<uint> Enumerate(BpfCommand command)
    {
        uint id = 0;
        while (true)
        {
            var attr = new IdAttr { Id = id };
            if (BpfSyscall.Try(command, ref attr, out var errno) < 0)
            {
                // ENOENT marks the end of the id space.
                if (errno == Errno.ENOENT) yield break;
                throw new BpfException(command.Name(), errno, BpfException.HintFor(command, errno), $"after id {id}");
            }
            id = attr.NextId;
            yield return id;
        }
    }

    static BpfFd Open(BpfCommand command, uint id, string what)
    {
        var attr = new IdAttr { Id = id };
        return BpfSyscall.CallForFd(command, ref attr, $"{what} id {id}");
    }
}
