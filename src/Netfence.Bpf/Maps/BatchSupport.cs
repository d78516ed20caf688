using System.Collections.Concurrent;
using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Maps;

/// <summary>
/// What the kernel answered about batch commands per map type. Batch support differs by map
/// type (LPM tries and ring buffers have none, arrays cannot delete), so the answer is cached
/// per (type, command) and a map type that refused once goes straight to the per-element path.
/// </summary>
public static class BatchSupport
{
    static readonly ConcurrentDictionary<(MapType, BpfCommand), bool> Answers = new();

    /// <summary>True or false once the kernel has answered for this map type and command, else null.</summary>
    public static bool? IsSupported(MapType type, BpfCommand command) =>
        Answers.TryGetValue((type, command), out var supported) ? supported : null;

    internal static void Record(MapType type, BpfCommand command, bool supported) => Answers[(type, command)] = supported;

    /// <summary>Errnos with which the kernel says "no batch command for this map type".</summary>
    internal static bool MeansUnsupported(Errno errno) => errno is Errno.EINVAL or Errno.ENOTSUPP or Errno.EOPNOTSUPP;
}
