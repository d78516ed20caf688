/* Netfence's datapath in C: the same decisions and the same map layout as programs/Netfence.Programs (C#),
 * compiled with clang -O2 -g -target bpf at test time. It is the benchmark baseline for the C# compiler's output
 * and, until that compiler lands, the object the user-space side (src/Netfence.Datapath) is tested with.
 * Self-contained: no libbpf or kernel headers. Every struct and constant mirrors programs/Netfence.Programs/Layout;
 * Netfence.Datapath.KernelTests checks the sizes through the loader. */

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define static_inline static inline __attribute__((always_inline))

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_MAP_TYPE_LPM_TRIE 11
#define BPF_F_NO_PREALLOC 1
#define LIBBPF_PIN_BY_NAME 1

/* Layout/DatapathLimits.cs */
#define MAX_ATTACHMENTS 10000
#define MAX_RULES 1000000
#define MAX_DNS_ENDPOINTS (2 * MAX_ATTACHMENTS)
#define COUNTERS_PER_ATTACHMENT 2
#define MAX_CGROUP_DEPTH 32
#define MAX_IPV6_EXTENSION_HEADERS 8
#define MAX_VLAN_TAGS 2

/* Layout/PolicyModeValue.cs, AttachmentKinds.cs, AttachmentFlags.cs, RuleFlags.cs, CounterSlots.cs */
#define MODE_DISABLED 1
#define MODE_ALLOWLIST 2
#define MODE_BLOCK_ALL 3
#define MODE_DENYLIST 4
#define KIND_INTERFACE 1
#define KIND_CGROUP 2
#define FLAG_LOOPBACK_ALLOWED 1
#define FLAG_HAS_DNS4 2
#define FLAG_HAS_DNS6 4
#define RULE_ALLOW 1
#define RULE_DENY 2
#define COUNTER_ALLOWED 0
#define COUNTER_BLOCKED 1

#define RULE_SET_BITS 32
#define RULE4_HOST_PREFIX 64
#define RULE6_HOST_PREFIX 160

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58

#define CLASS_IP 0
#define CLASS_NEIGHBOUR 1
#define CLASS_OTHER_ETHERTYPE 2
#define CLASS_MALFORMED 3

#define TCX_NEXT -1
#define TCX_DROP 2

#define bswap16(x) __builtin_bswap16(x)
#define bswap32(x) __builtin_bswap32(x)
#define MAPPED_WORD2 0xFFFF0000u /* 0x0000ffff in network order on a little-endian machine */

struct attachment_key { __u32 kind; __u32 reserved; __u64 id; };
struct attachment_value {
    __u32 mode, rule_set, flags, index;
    __u32 dns_ip4;
    __u32 dns_ip6[4];
    __u16 dns_port, reserved;
};
struct rule4_key { __u32 prefixlen, rule_set, address; };
struct rule6_key { __u32 prefixlen, rule_set, address[4]; };
struct rule_value { __u64 allow_expires_ns, deny_expires_ns; __u32 flags, prefixlen; };
struct dns_endpoint_key { __u32 address[4]; __u16 port, reserved; };

struct destination {
    __u8 is_ipv6, protocol;
    __u16 port;
    __u32 ip4;
    __u32 ip6[4];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct attachment_key);
    __type(value, struct attachment_value);
    __uint(max_entries, MAX_ATTACHMENTS);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} nf_attachments SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __type(key, struct rule4_key);
    __type(value, struct rule_value);
    __uint(max_entries, MAX_RULES);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} nf_rules4 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __type(key, struct rule6_key);
    __type(value, struct rule_value);
    __uint(max_entries, MAX_RULES);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} nf_rules6 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, struct dns_endpoint_key);
    __type(value, __u32);
    __uint(max_entries, MAX_DNS_ENDPOINTS);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} nf_dns_eps SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, COUNTERS_PER_ATTACHMENT * MAX_ATTACHMENTS);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} nf_counters SEC(".maps");

/* CgroupFilter.FixedCgroupAttachment: non-zero makes this copy serve that one cgroup id. */
const volatile __u64 FixedCgroupAttachment = 0;

struct __sk_buff {
    __u32 len, pkt_type, mark, queue_mapping, protocol, vlan_present, vlan_tci, vlan_proto;
    __u32 priority, ingress_ifindex, ifindex, tc_index, cb[5], hash, tc_classid, data, data_end;
};
struct bpf_sock_addr {
    __u32 user_family, user_ip4, user_ip6[4], user_port, family, type, protocol, msg_src_ip4, msg_src_ip6[4];
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static __u64 (*bpf_ktime_get_boot_ns)(void) = (void *)125;
static __u64 (*bpf_skb_ancestor_cgroup_id)(struct __sk_buff *skb, int level) = (void *)83;
static __u64 (*bpf_get_current_ancestor_cgroup_id)(int level) = (void *)123;

/* Rules.Active: the clock is read only for an entry with an expiry. */
static_inline __u32 active_flags(const struct rule_value *v)
{
    if (!(v->allow_expires_ns | v->deny_expires_ns))
        return (v->flags & RULE_DENY) ? RULE_DENY : (v->flags & RULE_ALLOW) ? RULE_ALLOW : 0;
    __u64 now = bpf_ktime_get_boot_ns();
    if ((v->flags & RULE_DENY) && (v->deny_expires_ns == 0 || v->deny_expires_ns > now)) return RULE_DENY;
    if ((v->flags & RULE_ALLOW) && (v->allow_expires_ns == 0 || v->allow_expires_ns > now)) return RULE_ALLOW;
    return 0;
}

/* Rules.Match4: an entry that expired entirely counts as absent, so look for the next shorter prefix. */
static __attribute__((noinline)) __u32 match4(__u32 rule_set, __u32 address)
{
    struct rule4_key key = { RULE4_HOST_PREFIX, rule_set, address };
    for (int i = 0; i <= 32; i++) {
        struct rule_value *v = bpf_map_lookup_elem(&nf_rules4, &key);
        if (!v) return 0;
        __u32 active = active_flags(v);
        if (active) return active;
        __u32 next = v->prefixlen < key.prefixlen ? v->prefixlen : key.prefixlen;
        if (next <= RULE_SET_BITS) return 0;
        key.prefixlen = next - 1;
    }
    return RULE_DENY;
}

static __attribute__((noinline)) __u32 match6(__u32 rule_set, const struct destination *d)
{
    struct rule6_key key = { RULE6_HOST_PREFIX, rule_set, { d->ip6[0], d->ip6[1], d->ip6[2], d->ip6[3] } };
    for (int i = 0; i <= 128; i++) {
        struct rule_value *v = bpf_map_lookup_elem(&nf_rules6, &key);
        if (!v) return 0;
        __u32 active = active_flags(v);
        if (active) return active;
        __u32 next = v->prefixlen < key.prefixlen ? v->prefixlen : key.prefixlen;
        if (next <= RULE_SET_BITS) return 0;
        key.prefixlen = next - 1;
    }
    return RULE_DENY;
}

static_inline int is_own_dns(const struct attachment_value *a, const struct destination *d)
{
    if (d->port != a->dns_port) return 0;
    if (d->is_ipv6)
        return (a->flags & FLAG_HAS_DNS6) && d->ip6[0] == a->dns_ip6[0] && d->ip6[1] == a->dns_ip6[1]
               && d->ip6[2] == a->dns_ip6[2] && d->ip6[3] == a->dns_ip6[3];
    return (a->flags & FLAG_HAS_DNS4) && d->ip4 == a->dns_ip4;
}

static_inline int is_loopback(const struct destination *d)
{
    if (!d->is_ipv6) return (bswap32(d->ip4) >> 24) == 127;
    return d->ip6[0] == 0 && d->ip6[1] == 0 && d->ip6[2] == 0 && d->ip6[3] == bswap32(1);
}

/* Policy.Allows. A global function: the verifier checks it once instead of once per call site, which keeps the
 * cgroup programs (one call per ancestor level) far below the verifier's instruction budget. */
__attribute__((noinline)) int policy_allows(const struct attachment_value *a, const struct destination *original)
{
    if (!a || !original) return 0;
    struct destination d = *original;
    if (d.is_ipv6 && d.ip6[0] == 0 && d.ip6[1] == 0 && d.ip6[2] == MAPPED_WORD2) {
        d.is_ipv6 = 0;
        d.ip4 = d.ip6[3];
    }
    if (d.port != 0 && (d.protocol == IPPROTO_TCP || d.protocol == IPPROTO_UDP)) {
        if (is_own_dns(a, &d)) return 1;
        struct dns_endpoint_key ep = {};
        ep.port = d.port;
        if (d.is_ipv6) {
            ep.address[0] = d.ip6[0]; ep.address[1] = d.ip6[1]; ep.address[2] = d.ip6[2]; ep.address[3] = d.ip6[3];
        } else {
            ep.address[2] = MAPPED_WORD2; ep.address[3] = d.ip4;
        }
        __u32 *owner = bpf_map_lookup_elem(&nf_dns_eps, &ep);
        if (owner && *owner != a->index) return 0;
    }
    __u32 mode = a->mode;
    if (mode == MODE_DISABLED) return 1;
    if ((a->flags & FLAG_LOOPBACK_ALLOWED) && is_loopback(&d)) return 1;
    if (mode != MODE_ALLOWLIST && mode != MODE_DENYLIST) return 0;
    __u32 verdict = d.is_ipv6 ? match6(a->rule_set, &d) : match4(a->rule_set, d.ip4);
    if (verdict & RULE_DENY) return 0;
    if (verdict & RULE_ALLOW) return 1;
    return mode == MODE_DENYLIST;
}

/* Policy.AllowsUnaddressed */
static_inline int policy_allows_unaddressed(const struct attachment_value *a, int packet_class)
{
    if (packet_class == CLASS_NEIGHBOUR) return 1;
    if (a->mode == MODE_DISABLED) return 1;
    return packet_class == CLASS_OTHER_ETHERTYPE && a->mode == MODE_DENYLIST;
}

static_inline void count(const struct attachment_value *a, int allowed)
{
    __u32 slot = a->index * COUNTERS_PER_ATTACHMENT + (allowed ? COUNTER_ALLOWED : COUNTER_BLOCKED);
    __u64 *c = bpf_map_lookup_elem(&nf_counters, &slot);
    if (c) *c += 1;
}

static_inline int decide(const struct attachment_value *a, int packet_class, const struct destination *d)
{
    int allowed = packet_class == CLASS_IP ? policy_allows(a, d) : policy_allows_unaddressed(a, packet_class);
    count(a, allowed);
    return allowed;
}

/* PacketParser: every read checked against data_end; what cannot be read is malformed. */
#define READ(ptr, type, off) ({ void *_p = (void *)(long)skb->data + (off); \
    if (_p + sizeof(type) > (void *)(long)skb->data_end) return CLASS_MALFORMED; ptr = _p; })

static_inline int read_port(struct __sk_buff *skb, __u32 offset, struct destination *d)
{
    if (d->protocol != IPPROTO_TCP && d->protocol != IPPROTO_UDP) return CLASS_IP;
    __u16 *ports;
    if (offset > 0xFFFF) return CLASS_MALFORMED;
    READ(ports, __u32, offset);
    d->port = ports[1];
    return CLASS_IP;
}

struct ipv4_header { __u8 version_ihl, tos; __u16 total_length, id, fragment; __u8 ttl, protocol; __u16 check; __u32 saddr, daddr; };
struct ipv6_header { __u32 version_class_flow; __u16 payload_length; __u8 next_header, hop_limit; __u32 saddr[4], daddr[4]; };
struct extension_header { __u8 next_header, length; __u16 fragment; __u32 rest; };

static __attribute__((noinline)) int parse_network(struct __sk_buff *skb, __u16 ether_type, __u32 offset, struct destination *d)
{
    if (offset > 64) return CLASS_MALFORMED;
    if (ether_type == ETH_P_IP) {
        struct ipv4_header *ip;
        READ(ip, struct ipv4_header, offset);
        __u32 header_length = (ip->version_ihl & 0x0F) * 4;
        if ((ip->version_ihl >> 4) != 4 || header_length < 20) return CLASS_MALFORMED;
        d->ip4 = ip->daddr;
        d->protocol = ip->protocol;
        if (bswap16(ip->fragment) & 0x1FFF) return CLASS_IP;
        return read_port(skb, offset + header_length, d);
    }
    if (ether_type != ETH_P_IPV6) return CLASS_OTHER_ETHERTYPE;

    struct ipv6_header *ip6;
    READ(ip6, struct ipv6_header, offset);
    if ((bswap32(ip6->version_class_flow) >> 28) != 6) return CLASS_MALFORMED;
    d->is_ipv6 = 1;
    d->ip6[0] = ip6->daddr[0]; d->ip6[1] = ip6->daddr[1]; d->ip6[2] = ip6->daddr[2]; d->ip6[3] = ip6->daddr[3];
    __u8 next = ip6->next_header;
    __u32 position = offset + 40;
    for (int i = 0; i < MAX_IPV6_EXTENSION_HEADERS; i++) {
        if (next != 0 && next != 43 && next != 44 && next != 51 && next != 60) break;
        struct extension_header *ext;
        if (position > 0xFFFF) return CLASS_MALFORMED;
        READ(ext, struct extension_header, position);
        if (next == 44) {
            d->protocol = ext->next_header;
            if (bswap16(ext->fragment) & 0xFFF8) return CLASS_IP;
            position += 8;
        } else if (next == 51) {
            position += (ext->length + 2) * 4;
        } else {
            position += (ext->length + 1) * 8;
        }
        next = ext->next_header;
    }
    if (next == 0 || next == 43 || next == 44 || next == 51 || next == 60) return CLASS_MALFORMED;
    d->protocol = next;
    if (next == IPPROTO_ICMPV6) {
        __u8 *type;
        if (position > 0xFFFF) return CLASS_MALFORMED;
        READ(type, __u8, position);
        return *type >= 133 && *type <= 137 ? CLASS_NEIGHBOUR : CLASS_IP;
    }
    return read_port(skb, position, d);
}

static_inline int parse_frame(struct __sk_buff *skb, struct destination *d)
{
    __u16 *ether;
    READ(ether, __u16[7], 0);
    __u16 ether_type = bswap16(ether[6]);
    __u32 offset = 14;
    for (int i = 0; i < MAX_VLAN_TAGS; i++) {
        if (ether_type != ETH_P_8021Q && ether_type != ETH_P_8021AD) break;
        __u16 *tag;
        READ(tag, __u32, offset);
        ether_type = bswap16(tag[1]);
        offset += 4;
    }
    if (ether_type == ETH_P_8021Q || ether_type == ETH_P_8021AD) return CLASS_MALFORMED;
    if (ether_type == ETH_P_ARP) return CLASS_NEIGHBOUR;
    return parse_network(skb, ether_type, offset, d);
}

SEC("tc")
int TcIngress(struct __sk_buff *skb)
{
    struct attachment_key key = { KIND_INTERFACE, 0, skb->ifindex };
    struct attachment_value *a = bpf_map_lookup_elem(&nf_attachments, &key);
    if (!a) return TCX_DROP;
    struct destination d = {};
    int packet_class = parse_frame(skb, &d);
    return decide(a, packet_class, &d) ? TCX_NEXT : TCX_DROP;
}

#define FOUND_NONE 0
#define FOUND_ALLOWED 1
#define FOUND_DENIED 2

static_inline int decide_for(__u64 cgroup_id, int packet_class, const struct destination *d)
{
    struct attachment_key key = { KIND_CGROUP, 0, cgroup_id };
    struct attachment_value *a = bpf_map_lookup_elem(&nf_attachments, &key);
    if (!a) return FOUND_NONE;
    return decide(a, packet_class, d) ? FOUND_ALLOWED : FOUND_DENIED;
}

/* CgroupFilter.Decide: every attachment on the cgroup path must allow; none found denies. */
static_inline int decide_cgroup(struct __sk_buff *skb, int packet_class, const struct destination *d)
{
    if (FixedCgroupAttachment) return decide_for(FixedCgroupAttachment, packet_class, d) == FOUND_ALLOWED;
    int any = 0;
    for (int level = 0; level < MAX_CGROUP_DEPTH; level++) {
        __u64 id = skb ? bpf_skb_ancestor_cgroup_id(skb, level) : bpf_get_current_ancestor_cgroup_id(level);
        if (!id) break;
        int found = decide_for(id, packet_class, d);
        if (found == FOUND_DENIED) return 0;
        if (found == FOUND_ALLOWED) any = 1;
    }
    return any;
}

static_inline int decide_address4(struct bpf_sock_addr *ctx)
{
    struct destination d = {};
    d.ip4 = ctx->user_ip4;
    d.protocol = ctx->protocol;
    d.port = ctx->user_port;
    return decide_cgroup(0, CLASS_IP, &d);
}

static_inline int decide_address6(struct bpf_sock_addr *ctx)
{
    struct destination d = {};
    d.is_ipv6 = 1;
    d.ip6[0] = ctx->user_ip6[0]; d.ip6[1] = ctx->user_ip6[1]; d.ip6[2] = ctx->user_ip6[2]; d.ip6[3] = ctx->user_ip6[3];
    d.protocol = ctx->protocol;
    d.port = ctx->user_port;
    return decide_cgroup(0, CLASS_IP, &d);
}

SEC("cgroup/connect4") int Connect4(struct bpf_sock_addr *ctx) { return decide_address4(ctx); }
SEC("cgroup/sendmsg4") int Sendmsg4(struct bpf_sock_addr *ctx) { return decide_address4(ctx); }
SEC("cgroup/connect6") int Connect6(struct bpf_sock_addr *ctx) { return decide_address6(ctx); }
SEC("cgroup/sendmsg6") int Sendmsg6(struct bpf_sock_addr *ctx) { return decide_address6(ctx); }

SEC("cgroup_skb/egress")
int CgroupSkbEgress(struct __sk_buff *skb)
{
    struct destination d = {};
    int packet_class = parse_network(skb, bswap16((__u16)skb->protocol), 0, &d);
    return decide_cgroup(skb, packet_class, &d);
}

char LICENSE[] SEC("license") = "GPL";
