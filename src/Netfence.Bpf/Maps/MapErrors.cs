using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Maps;

/// <summary>
/// Turns a failed element or batch call into the exception that says what happened to which
/// map. One place, so the single-element and batch paths (and the batch fallback) report the
/// same failure the same way.
/// </summary>
internal static class MapErrors
{
    public static BpfException For(BpfMap map, BpfCommand command, Errno errno, string? detail = null)
    {
        bool writes = command is BpfCommand.MapUpdateElem or BpfCommand.MapUpdateBatch;
        bool deletes = command is BpfCommand.MapDeleteElem or BpfCommand.MapDeleteBatch;
        switch (errno)
        {
            case Errno.ENOENT when writes || deletes || command is BpfCommand.MapLookupElem:
                return new MapKeyNotFoundException(command, map.Name, detail);
            case Errno.EEXIST when writes:
                return new MapKeyExistsException(command, map.Name, detail);
            case Errno.ENOSPC when writes:
                return new MapFullException(command, errno, map.Name, map.Spec.MaxEntries, detail);
            // Hash maps report exhaustion as E2BIG; arrays use E2BIG for an index past the end.
            case Errno.E2BIG when writes && map.Spec.Type is MapType.Array or MapType.PerCpuArray:
                return new BpfException(command.Name(), errno, $"the index is past the end of array map '{map.Name}' (max_entries {map.Spec.MaxEntries}){MapKeyNotFoundException.Suffix(detail)}", $"map '{map.Name}'");
            case Errno.E2BIG when writes:
                return new MapFullException(command, errno, map.Name, map.Spec.MaxEntries, detail);
            case Errno.EPERM when (writes || deletes) && map.IsFrozen():
                return new MapFrozenException(command, map.Name);
            default:
                var hint = BpfException.HintFor(command, errno);
                if (!string.IsNullOrEmpty(detail)) hint = hint is null ? detail : $"{hint} ({detail})";
                return new BpfException(command.Name(), errno, hint, $"map '{map.Name}'");
        }
    }
}
