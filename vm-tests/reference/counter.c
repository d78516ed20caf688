/* Reference object for the ELF loader tests: a BTF-defined hash map (pinned by name), an array
 * map, a .rodata constant the loader rewrites, .data/.bss globals, and TC programs that call a
 * .text subprogram. Compile: clang -O2 -g -target bpf -c counter.c -o counter.o */
#include "netfence_min.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 16);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} nf_counts SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(key_size, 4);
    __uint(value_size, 8);
    __uint(max_entries, 4);
} nf_last SEC(".maps");

/* Rewritten at load time through CollectionSpec.RewriteConstant. */
const volatile __u32 verdict = 2;
const volatile __u32 bump = 1;

__u64 runs = 0;          /* .bss */
__u32 seed = 7;          /* .data */

__noinline int add_count(__u32 key, __u64 amount)
{
    __u64 *v = bpf_map_lookup_elem(&nf_counts, &key);
    if (v) {
        *v += amount;
        return 1;
    }
    bpf_map_update_elem(&nf_counts, &key, &amount, BPF_ANY);
    return 0;
}

SEC("tc")
int classify(struct __sk_buff *skb)
{
    __u32 slot = 0;
    __u64 len = skb->len;
    add_count(seed, bump);
    runs++;
    bpf_map_update_elem(&nf_last, &slot, &len, BPF_ANY);
    return verdict;
}

SEC("tc")
int passthrough(struct __sk_buff *skb)
{
    add_count(99, 1);
    return 0;
}

SEC("socket")
int sock_all(struct __sk_buff *skb)
{
    return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
