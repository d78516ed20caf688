using Netfence.Bpf.Maps;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Programs;

/// <summary>
/// Waits until every non-sleepable BPF program that is running now has finished: an RCU grace period, which is what
/// user space needs before it frees or reuses map contents a program may still be reading (e.g. the rule set an
/// attachment entry pointed at until a moment ago).
/// </summary>
/// <remarks>
/// User space has no direct synchronize_rcu(). The kernel runs one on its behalf after every update of a map-in-map
/// (kernel/bpf/syscall.c, maybe_wait_bpf_programs, since 4.20): "so that userspace, when we return to it, knows that all
/// non-sleepable programs that could be running use the new map value". So a wait is one update of a private
/// one-slot ARRAY_OF_MAPS. TC, cgroup_skb and cgroup sock_addr programs all run inside an RCU read-side section, so
/// the grace period covers them, including a run whose vCPU the hypervisor has descheduled: a guarantee, where a
/// fixed delay would only be a guess. A wait costs one grace period (milliseconds, more on a loaded machine).
/// </remarks>
public sealed class ProgramGracePeriod : IGracePeriod, IDisposable
{
    private static readonly MapSpec InnerSpec = MapSpec.Array("nf_gp_inner", sizeof(uint), 1);

    private static readonly MapSpec OuterSpec = new()
    {
        Name = "nf_gp_outer", Type = MapType.ArrayOfMaps, KeySize = sizeof(uint), ValueSize = sizeof(uint), MaxEntries = 1,
    };

    private readonly BpfMap _inner;
    private readonly BpfMap _outer;

    /// <summary>Creates the two small maps a wait writes to (kept until <see cref="Dispose"/>).</summary>
    /// <exception cref="BpfException">The kernel refused a map (e.g. no root or CAP_BPF).</exception>
    public ProgramGracePeriod()
    {
        _inner = BpfMap.Create(InnerSpec);
        try
        {
            var attr = new MapCreateAttr
            {
                MapType = (uint)OuterSpec.Type,
                KeySize = OuterSpec.KeySize,
                ValueSize = OuterSpec.ValueSize,
                MaxEntries = OuterSpec.MaxEntries,
                InnerMapFd = (uint)_inner.Fd.Value,
            };
            unsafe
            {
                BpfProgram.WriteName(attr.MapName, OuterSpec.Name);
            }
            var fd = BpfSyscall.CallForFd(BpfCommand.MapCreate, ref attr, $"map '{OuterSpec.Name}' {OuterSpec.Type} (the grace-period map)");
            _outer = BpfMap.FromFd(fd, OuterSpec);
        }
        catch
        {
            _inner.Dispose();
            throw;
        }
    }

    /// <summary>Returns once every BPF program that was running when it was called has returned.</summary>
    public void Wait()
    {
        Span<byte> key = stackalloc byte[sizeof(uint)];
        Span<byte> value = stackalloc byte[sizeof(uint)];
        BitConverter.TryWriteBytes(value, (uint)_inner.Fd.Value);
        _outer.Update(key, value);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _outer.Dispose();
        _inner.Dispose();
    }
}
