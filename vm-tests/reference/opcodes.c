/* Reference object for bytecode-inspect's disassembler: one program touching every instruction family
 * llvm-objdump 14 can print back (ALU32/ALU64 with register and immediate operands, endianness, JMP and
 * JMP32 conditions, loads and stores of every size, atomics with and without fetch, xchg, cmpxchg,
 * legacy packet loads). Compile with -mcpu=v3 (ALU32, JMP32, atomics):
 * clang -O2 -g -target bpf -mcpu=v3 -c opcodes.c -o opcodes.o */
#include "netfence_min.h"
SEC("tc")
int opcodes(struct __sk_buff *skb)
{
    __u64 v = skb->len;
    asm volatile(
        "w1 = w0\n"
        "w1 += 3\n"
        "w1 -= w2\n"
        "w1 *= 5\n"
        "w1 /= 7\n"
        "w1 |= w2\n"
        "w1 &= 255\n"
        "w1 <<= 2\n"
        "w1 >>= w3\n"
        "w1 = -w1\n"
        "w1 ^= w2\n"
        "w1 s>>= 1\n"
        "r1 = r0\n"
        "r1 += -4\n"
        "r1 -= r2\n"
        "r1 *= r3\n"
        "r1 /= 3\n"
        "r1 = -r1\n"
        "r1 s>>= r2\n"
        "r1 ^= -1\n"
        "r1 = be16 r1\n"
        "r1 = be32 r1\n"
        "r1 = be64 r1\n"
        "r1 = le16 r1\n"
        "r1 = le32 r1\n"
        "r1 = le64 r1\n"
        "if w1 > w2 goto +1\n"
        "if w1 s< -3 goto +0\n"
        "if r1 s>= r2 goto +0\n"
        "if r1 != 12 goto +0\n"
        "if r1 <= r2 goto +0\n"
        "if r1 s<= r2 goto +0\n"
        "if r1 >= 5 goto +0\n"
        "if r1 < 5 goto +0\n"
        "if r1 s> 5 goto +0\n"
        "if r1 == r2 goto +0\n"
        "r2 = *(u8 *)(r10 - 1)\n"
        "r2 = *(u16 *)(r10 - 2)\n"
        "r2 = *(u32 *)(r10 - 8)\n"
        "r2 = *(u64 *)(r10 - 24)\n"
        "*(u8 *)(r10 - 1) = r2\n"
        "*(u16 *)(r10 - 2) = r2\n"
        "*(u64 *)(r10 - 24) = r2\n"
        "lock *(u32 *)(r10 - 8) += r2\n"
        "lock *(u64 *)(r10 - 24) += r2\n"
        "lock *(u64 *)(r10 - 24) &= r2\n"
        "lock *(u64 *)(r10 - 24) |= r2\n"
        "lock *(u64 *)(r10 - 24) ^= r2\n"
        "r0 = *(u8 *)skb[12]\n"
        ::: "r0", "r1", "r2", "r3", "memory");
    __u64 slot = v;
    __u32 small = (__u32)v;
    __u64 acc = 0;
    acc += __sync_fetch_and_add(&slot, v);
    acc += __sync_fetch_and_and(&slot, v);
    acc += __sync_fetch_and_or(&slot, v);
    acc += __sync_fetch_and_xor(&slot, v);
    acc += __sync_lock_test_and_set(&slot, v);
    acc += __sync_val_compare_and_swap(&slot, v, acc);
    acc += __sync_fetch_and_add(&small, (__u32)v);
    acc += v % (skb->mark | 1);
    acc += (__u32)v % (__u32)(skb->priority | 1);
    return acc + slot + small;
}
char LICENSE[] SEC("license") = "GPL";
