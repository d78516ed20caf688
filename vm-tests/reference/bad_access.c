/* Deliberately rejected by the verifier: it dereferences a hash map value without a NULL check
 * (a hash map, because recent kernels know an array lookup with a constant in-range key cannot fail).
 * The loader test expects the C source line below to appear in the verifier log. */
#include "netfence_min.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 1);
} nf_bad SEC(".maps");

SEC("tc")
int bad_access(struct __sk_buff *skb)
{
    __u32 key = 0;
    __u64 *value = bpf_map_lookup_elem(&nf_bad, &key);
    return *value == 42 ? 2 : 0; /* netfence: unchecked map value */
}

char LICENSE[] SEC("license") = "GPL";
