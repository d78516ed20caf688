/* Self-contained definitions for the reference programs: no libbpf headers.
 * They follow libbpf's conventions (SEC, __uint, __type, LIBBPF_PIN_BY_NAME) because the
 * loader reads objects laid out that way. */
#ifndef NETFENCE_MIN_H
#define NETFENCE_MIN_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __always_inline inline __attribute__((always_inline))
#define __noinline __attribute__((noinline))

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define LIBBPF_PIN_BY_NAME 1
#define BPF_ANY 0

struct __sk_buff {
    __u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present, vlan_tci, vlan_proto;
    __u32 priority, ingress_ifindex, ifindex, tc_index, cb[5], hash, tc_classid, data, data_end;
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;

#endif
