using System.Buffers.Binary;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Programs;

namespace Netfence.Bpf.KernelTests.Links;

/// <summary>Hand-assembled programs for attachment tests.</summary>
static class TestPrograms
{
    /// <summary>A cgroup connect4 program that rejects every connect (return 0 → EPERM).</summary>
    public static BpfProgram DenyConnect4() => BpfProgram.Load(new ProgramSpec
    {
        Name = "nft_deny_conn4",
        Type = ProgramType.CgroupSockAddr,
        ExpectedAttachType = AttachType.CgroupInet4Connect,
        Instructions = [Instruction.Mov64(Register.R0, 0), Instruction.Exit()],
    });

    /// <summary>
    /// A TC program that drops IPv4 (IHL 5) TCP and UDP to <paramref name="port"/> and passes
    /// everything else (0 is TC_ACT_OK and TCX_PASS alike).
    /// </summary>
    public static BpfProgram DropPort(int port, string name = "nft_drop_port")
    {
        short portAsLoaded = (short)BinaryPrimitives.ReverseEndianness((ushort)port);
        return BpfProgram.Load(new ProgramSpec
        {
            Name = name,
            Type = ProgramType.SchedCls,
            Instructions =
            [
                /* 0 */ Instruction.LoadMem(OpCodes.SizeW, Register.R2, Register.R1, 76),  // data
                /* 1 */ Instruction.LoadMem(OpCodes.SizeW, Register.R3, Register.R1, 80),  // data_end
                /* 2 */ Instruction.Mov64(Register.R4, Register.R2),
                /* 3 */ Instruction.Alu64(OpCodes.Add, Register.R4, 38),                   // eth 14 + ip 20 + ports 4
                /* 4 */ Instruction.Jump(OpCodes.Jgt, Register.R4, Register.R3, 11),       // short → pass
                /* 5 */ Instruction.LoadMem(OpCodes.SizeH, Register.R5, Register.R2, 12),  // ethertype
                /* 6 */ Instruction.Jump(OpCodes.Jne, Register.R5, 0x0008, 9),             // not IPv4 → pass
                /* 7 */ Instruction.LoadMem(OpCodes.SizeB, Register.R5, Register.R2, 14),  // version/IHL
                /* 8 */ Instruction.Jump(OpCodes.Jne, Register.R5, 0x45, 7),
                /* 9 */ Instruction.LoadMem(OpCodes.SizeB, Register.R5, Register.R2, 23),  // protocol
                /*10 */ Instruction.Jump(OpCodes.Jeq, Register.R5, 6, 1),                  // TCP → port
                /*11 */ Instruction.Jump(OpCodes.Jne, Register.R5, 17, 4),                 // not UDP → pass
                /*12 */ Instruction.LoadMem(OpCodes.SizeH, Register.R5, Register.R2, 36),  // destination port
                /*13 */ Instruction.Jump(OpCodes.Jne, Register.R5, portAsLoaded, 2),
                /*14 */ Instruction.Mov64(Register.R0, 2),                                 // TC_ACT_SHOT / TCX_DROP
                /*15 */ Instruction.Exit(),
                /*16 */ Instruction.Mov64(Register.R0, 0),
                /*17 */ Instruction.Exit(),
            ],
        });
    }
}
