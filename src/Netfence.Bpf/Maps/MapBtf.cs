using Netfence.Bpf.Syscalls;

namespace Netfence.Bpf.Maps;

/// <summary>
/// The BTF a map is created with (btf_fd, btf_key_type_id, btf_value_type_id of BPF_MAP_CREATE), so the kernel knows
/// the layout of its keys and values and tools such as <c>bpftool map dump</c> print them field by field. A key type
/// of 0 means none (the data-section arrays, whose value is a DATASEC).
/// </summary>
/// <param name="Btf">The loaded BTF object the type ids refer to; the kernel takes its own reference at creation.</param>
/// <param name="KeyTypeId">The type of the keys in <paramref name="Btf"/>, 0 for none.</param>
/// <param name="ValueTypeId">The type of the values in <paramref name="Btf"/>.</param>
public sealed record MapBtf(BpfFd Btf, uint KeyTypeId, uint ValueTypeId);
