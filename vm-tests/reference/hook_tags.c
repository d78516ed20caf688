/* Reference object for the loader's hook tags: a program in section "tc" (all libbpf 1.1 knows) whose BTF says,
 * with a declaration tag, that it was written for TCX egress, as netfence-bpfc writes its TC programs. With
 * -DNF_TAG_MISMATCH the tag names a cgroup hook, which the loader must reject rather than guess.
 * Compile: clang -O2 -g -target bpf -c hook_tags.c -o hook_tags.o */
#include "netfence_min.h"

#ifdef NF_TAG_MISMATCH
#define NF_HOOK "netfence.hook=cgroup/connect4"
#else
#define NF_HOOK "netfence.hook=tcx/egress"
#endif

SEC("tc") __attribute__((btf_decl_tag(NF_HOOK)))
int tagged(struct __sk_buff *skb)
{
    return skb->len > 64 ? 2 : 0;
}

/* No tag: the section is all the loader knows. */
SEC("tc")
int untagged(struct __sk_buff *skb)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
