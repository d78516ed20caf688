using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Features;

/// <summary>
/// Asks whether the kernel has the batch map commands (5.6), by writing one element to a
/// one-slot array with BPF_MAP_UPDATE_BATCH. Which map types support batches is a separate,
/// per-type question that the map layer answers as it goes (<see cref="Maps.BatchSupport"/>).
/// </summary>
public static class BatchOpsProbe
{
    /// <summary>The probe.</summary>
    public static FeatureProbe Create() => new("batch map operations", "5.6", Probe);

    static unsafe bool? Probe()
    {
        using var map = ProbeSyscalls.CreateMap(new MapCreateAttr { MapType = (uint)Maps.MapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1 }, out var createErrno);
        if (map is null)
            return ProbeSyscalls.IsInconclusive(createErrno) ? null : throw new BpfException(BpfCommand.MapCreate.Name(), createErrno, null, "creating an array to probe batch operations");
        uint key = 0, value = 0;
        var attr = new MapBatchAttr { Keys = (ulong)&key, Values = (ulong)&value, Count = 1, MapFd = (uint)map.Value };
        if (BpfSyscall.Try(BpfCommand.MapUpdateBatch, ref attr, out var errno) >= 0) return true;
        // An unknown command is EINVAL; a map type without the operation would be ENOTSUPP.
        if (errno is Errno.EINVAL or Errno.ENOTSUPP or Errno.EOPNOTSUPP) return false;
        return ProbeSyscalls.IsInconclusive(errno) ? null : throw new BpfException(BpfCommand.MapUpdateBatch.Name(), errno, null, "probing batch operations");
    }
}
