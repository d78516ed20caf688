using Netfence.Bpf.Asm;
using Netfence.Bpf.Disassembly;
using static Netfence.Bpf.Asm.Register;

namespace Netfence.Inspect.Tests;

/// <summary>Known encodings print as the kernel's disasm.c prints them, one row per opcode family.</summary>
public class VerifierSyntaxTests
{
    static Instruction I(byte op, Register dst, Register src, short off, long imm, string? reference = null) => new(op, dst, src, off, imm, reference);

    public static TheoryData<Instruction, string> Cases() => new()
    {
        // ALU64 and ALU32, immediate and register.
        { I(0xb7, R0, R0, 0, 0), "(b7) r0 = 0" },
        { I(0x07, R2, R0, 0, -4), "(07) r2 += -4" },
        { I(0xbf, R2, R10, 0, 0), "(bf) r2 = r10" },
        { I(0x1f, R1, R2, 0, 0), "(1f) r1 -= r2" },
        { I(0x2f, R1, R3, 0, 0), "(2f) r1 *= r3" },
        { I(0x37, R1, R0, 0, 3), "(37) r1 /= 3" },
        { I(0x3f, R1, R2, 1, 0), "(3f) r1 s/= r2" },
        { I(0x4f, R1, R2, 0, 0), "(4f) r1 |= r2" },
        { I(0x57, R1, R0, 0, 255), "(57) r1 &= 255" },
        { I(0x67, R1, R0, 0, 2), "(67) r1 <<= 2" },
        { I(0x7f, R1, R3, 0, 0), "(7f) r1 >>= r3" },
        { I(0x87, R1, R0, 0, 0), "(87) r1 = -r1" },
        { I(0x97, R1, R0, 0, 9), "(97) r1 %= 9" },
        { I(0xa7, R1, R0, 0, -1), "(a7) r1 ^= -1" },
        { I(0xc7, R1, R0, 0, 1), "(c7) r1 s>>= 1" },
        { I(0xbf, R1, R2, 8, 0), "(bf) r1 = (s8)r2" },
        { I(0xb4, R1, R0, 0, 1), "(b4) w1 = 1" },
        { I(0x04, R1, R0, 0, 3), "(04) w1 += 3" },
        { I(0x1c, R1, R2, 0, 0), "(1c) w1 -= w2" },
        { I(0x84, R1, R0, 0, 0), "(84) w1 = -w1" },
        { I(0xbc, R1, R2, 0, 0), "(bc) w1 = w2" },
        // Endianness.
        { I(0xdc, R1, R0, 0, 16), "(dc) r1 = be16 r1" },
        { I(0xd4, R1, R0, 0, 32), "(d4) r1 = le32 r1" },
        { I(0xd7, R1, R0, 0, 64), "(d7) r1 = bswap64 r1" },
        // Loads and stores of every size.
        { I(0x61, R0, R1, 76, 0), "(61) r0 = *(u32 *)(r1 +76)" },
        { I(0x69, R0, R1, 2, 0), "(69) r0 = *(u16 *)(r1 +2)" },
        { I(0x71, R0, R1, 0, 0), "(71) r0 = *(u8 *)(r1 +0)" },
        { I(0x79, R2, R10, -24, 0), "(79) r2 = *(u64 *)(r10 -24)" },
        { I(0x91, R2, R1, 4, 0), "(91) r2 = *(s8 *)(r1 +4)" },
        { I(0x63, R10, R1, -4, 0), "(63) *(u32 *)(r10 -4) = r1" },
        { I(0x6b, R10, R1, -2, 0), "(6b) *(u16 *)(r10 -2) = r1" },
        { I(0x73, R10, R1, -1, 0), "(73) *(u8 *)(r10 -1) = r1" },
        { I(0x7b, R10, R6, -16, 0), "(7b) *(u64 *)(r10 -16) = r6" },
        { I(0x62, R10, R0, -8, 7), "(62) *(u32 *)(r10 -8) = 7" },
        { I(0x7a, R10, R0, -8, 0), "(7a) *(u64 *)(r10 -8) = 0" },
        // Atomics.
        { I(0xc3, R10, R2, -8, 0x00), "(c3) lock *(u32 *)(r10 -8) += r2" },
        { I(0xdb, R10, R2, -24, 0x50), "(db) lock *(u64 *)(r10 -24) &= r2" },
        { I(0xdb, R1, R2, 0, 0x01), "(db) r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)" },
        { I(0xc3, R1, R2, 0, 0xa1), "(c3) r2 = atomic_fetch_xor((u32 *)(r1 +0), r2)" },
        { I(0xdb, R1, R2, 0, 0xe1), "(db) r2 = atomic64_xchg((u64 *)(r1 +0), r2)" },
        { I(0xdb, R1, R2, 8, 0xf1), "(db) r0 = atomic64_cmpxchg((u64 *)(r1 +8), r0, r2)" },
        // LD_IMM64: constants and map references.
        { I(0x18, R1, R0, 0, 0x1_0000_0002), "(18) r1 = 0x100000002" },
        { I(0x18, R1, (Register)1, 0, 0, "nf_counts"), "(18) r1 = map[nf_counts]" },
        { I(0x18, R1, (Register)2, 0, 4L << 32, ".rodata"), "(18) r1 = map[.rodata][0]+4" },
        { I(0x18, R1, (Register)1, 0, 7), "(18) r1 = map[id:7]" },
        { I(0x30, R0, R0, 0, 12), "(30) r0 = *(u8 *)skb[12]" },
        // Jumps, JMP32, calls, exit.
        { I(0x05, R0, R0, 3, 0), "(05) goto pc+3" },
        { I(0x05, R0, R0, -2, 0), "(05) goto pc-2" },
        { I(0x15, R0, R0, 5, 0), "(15) if r0 == 0x0 goto pc+5" },
        { I(0x2d, R1, R2, 5, 0), "(2d) if r1 > r2 goto pc+5" },
        { I(0x45, R1, R0, 1, 8), "(45) if r1 & 0x8 goto pc+1" },
        { I(0x55, R1, R0, 1, -1), "(55) if r1 != 0xffffffff goto pc+1" },
        { I(0x6d, R1, R2, 0, 0), "(6d) if r1 s> r2 goto pc+0" },
        { I(0xa5, R1, R0, 2, 5), "(a5) if r1 < 0x5 goto pc+2" },
        { I(0xdd, R1, R2, 2, 0), "(dd) if r1 s<= r2 goto pc+2" },
        { I(0x2e, R1, R2, 1, 0), "(2e) if w1 > w2 goto pc+1" },
        { I(0xc6, R1, R0, 0, -3), "(c6) if w1 s< 0xfffffffd goto pc+0" },
        { I(0x06, R0, R0, 0, 7), "(06) gotol pc+7" },
        { I(0x85, R0, R0, 0, 1), "(85) call bpf_map_lookup_elem#1" },
        { I(0x85, R0, R0, 0, 125), "(85) call bpf_ktime_get_boot_ns#125" },
        { I(0x85, R0, R0, 0, 100000), "(85) call unknown#100000" },
        { I(0x85, R0, (Register)1, 0, 17), "(85) call pc+17" },
        { I(0x95, R0, R0, 0, 0), "(95) exit" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encodings_print_as_the_kernel_prints_them(Instruction insn, string expected) =>
        Assert.Equal(expected, VerifierSyntax.Format(insn));

    [Theory]
    [InlineData(1, "bpf_map_lookup_elem")]
    [InlineData(2, "bpf_map_update_elem")]
    [InlineData(5, "bpf_ktime_get_ns")]
    [InlineData(26, "bpf_skb_load_bytes")]
    [InlineData(80, "bpf_get_current_cgroup_id")]
    [InlineData(130, "bpf_ringbuf_output")]
    [InlineData(133, "bpf_ringbuf_discard")]
    public void Helper_ids_from_kernel_abi_have_their_names(int id, string name) => Assert.Equal(name, HelperNames.Find(id));

    [Fact]
    public void Stack_use_counts_pointers_to_locals_passed_through_a_copy_of_r10()
    {
        var listing = ProgramListing.Create("p", "tc", Bpf.Programs.ProgramType.SchedCls, null,
        [
            Instruction.Mov64(R2, R10),
            Instruction.Alu64(OpCodes.Add, R2, -40),
            Instruction.StoreMem(OpCodes.SizeW, R10, R1, -8),
            Instruction.Call(1),
            Instruction.Exit(),
        ], []);
        Assert.Equal(40, listing.StackBytes);
        Assert.Equal([1], listing.HelperIds);
    }
}
