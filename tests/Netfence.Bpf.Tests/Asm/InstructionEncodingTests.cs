using Netfence.Bpf.Asm;

namespace Netfence.Bpf.Tests.Asm;

public class InstructionEncodingTests
{
    [Fact]
    public void Mov_imm_encodes_as_the_kernel_expects()
    {
        var bytes = InstructionStream.Encode([Instruction.Mov64(Register.R0, 2)]);
        Assert.Equal(new byte[] { 0xb7, 0x00, 0, 0, 2, 0, 0, 0 }, bytes);
    }

    [Fact]
    public void Ld_imm64_takes_two_slots_with_the_high_word_in_the_second()
    {
        var bytes = InstructionStream.Encode([Instruction.LoadImm64(Register.R1, 0x1122334455667788)]);
        Assert.Equal(16, bytes.Length);
        Assert.Equal(new byte[] { 0x18, 0x01, 0, 0, 0x88, 0x77, 0x66, 0x55, 0, 0, 0, 0, 0x44, 0x33, 0x22, 0x11 }, bytes);
        var back = Assert.Single(InstructionStream.Decode(bytes));
        Assert.Equal(0x1122334455667788, back.Constant);
    }

    [Fact]
    public void Registers_pack_dst_low_src_high()
    {
        var bytes = InstructionStream.Encode([Instruction.Mov64(Register.R3, Register.R10)]);
        Assert.Equal(0xa3, bytes[1]);
    }

    [Fact]
    public void A_truncated_stream_is_a_clear_error()
    {
        var ex = Assert.Throws<FormatException>(() => InstructionStream.Decode(new byte[12]));
        Assert.Contains("multiple of 8", ex.Message);
    }
}
