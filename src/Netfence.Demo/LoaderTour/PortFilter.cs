using System.Buffers.Binary;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;

namespace Netfence.Demo;

/// <summary>
/// The demo's filter: drops IPv4 TCP and UDP whose destination port is in <see cref="BlockedPorts"/>,
/// counts verdicts per CPU, and lets everything else continue. It is assembled by hand because
/// the C# compiler lands in a later step; the datapath proper is written in C#.
/// </summary>
sealed class PortFilter : IDisposable
{
    /// <summary>Index of the "passed" counter in <see cref="Verdicts"/>.</summary>
    public const uint Passed = 0;

    /// <summary>Index of the "dropped" counter in <see cref="Verdicts"/>.</summary>
    public const uint Dropped = 1;

    /// <summary>Under TCX, NEXT lets programs after ours run; under classic tc it is TC_ACT_UNSPEC (continue).</summary>
    public const int VerdictContinue = -1;

    /// <summary>TCX_DROP / TC_ACT_SHOT.</summary>
    public const int VerdictDrop = 2;

    PortFilter(BpfMap<uint, byte> blocked, PerCpuBpfMap<uint, ulong> verdicts, BpfProgram program)
    {
        BlockedPorts = blocked;
        Verdicts = verdicts;
        Program = program;
    }

    /// <summary>Destination ports to drop, keyed in network byte order as the packet carries them.</summary>
    public BpfMap<uint, byte> BlockedPorts { get; }

    /// <summary>Per-CPU counters: [0] passed, [1] dropped.</summary>
    public PerCpuBpfMap<uint, ulong> Verdicts { get; }

    public BpfProgram Program { get; }

    /// <summary>Creates the maps and loads the program, asking the verifier for its statistics.</summary>
    public static PortFilter Load()
    {
        var blocked = BpfMap<uint, byte>.CreateHash("nf_demo_ports", 1024);
        var verdicts = PerCpuBpfMap<uint, ulong>.CreateArray("nf_demo_verdict", 2);
        try
        {
            var program = BpfProgram.Load(new ProgramSpec
            {
                Name = "nf_demo_ports",
                Type = ProgramType.SchedCls,
                Instructions = Assemble(blocked.Raw.Fd.Value, verdicts.Raw.Fd.Value),
            }, VerifierLogLevel.Statistics);
            return new PortFilter(blocked, verdicts, program);
        }
        catch
        {
            blocked.Dispose();
            verdicts.Dispose();
            throw;
        }
    }

    /// <summary>Blocks or unblocks a destination port.</summary>
    public void SetBlocked(ushort port, bool blocked)
    {
        var key = (uint)BinaryPrimitives.ReverseEndianness(port);
        if (blocked) BlockedPorts.Update(key, 1);
        else BlockedPorts.Delete(key);
    }

    /// <summary>The verdict counters summed over CPUs.</summary>
    public (ulong Passed, ulong Dropped) Counters() =>
        (Verdicts.LookupSum(Passed) ?? 0, Verdicts.LookupSum(Dropped) ?? 0);

    static IReadOnlyList<Instruction> Assemble(int blockedFd, int verdictsFd)
    {
        const Register Ctx = Register.R6, Verdict = Register.R7, Counter = Register.R8;
        var a = new Assembler();
        var drop = a.DefineLabel();
        var pass = a.DefineLabel();
        var count = a.DefineLabel();
        var done = a.DefineLabel();
        a.Emit(
            Instruction.Mov64(Ctx, Register.R1),
            Instruction.LoadMem(OpCodes.SizeW, Register.R2, Ctx, 76),      // skb->data
            Instruction.LoadMem(OpCodes.SizeW, Register.R3, Ctx, 80),      // skb->data_end
            Instruction.Mov64(Register.R4, Register.R2),
            Instruction.Alu64(OpCodes.Add, Register.R4, 14));
        // A frame too short for an Ethernet header is malformed: drop it rather than guess.
        a.Jump(OpCodes.Jgt, Register.R4, Register.R3, drop);
        a.Emit(Instruction.LoadMem(OpCodes.SizeH, Register.R5, Register.R2, 12));
        a.Jump(OpCodes.Jne, Register.R5, 0x0008, pass);                    // not IPv4 (ARP, ...): not ours to judge
        a.Emit(
            Instruction.Mov64(Register.R4, Register.R2),
            Instruction.Alu64(OpCodes.Add, Register.R4, 14 + 20));
        a.Jump(OpCodes.Jgt, Register.R4, Register.R3, drop);              // truncated IPv4 header
        a.Emit(Instruction.LoadMem(OpCodes.SizeB, Register.R5, Register.R2, 23));
        var ports = a.DefineLabel();
        a.Jump(OpCodes.Jeq, Register.R5, 6, ports);                       // TCP
        a.Jump(OpCodes.Jne, Register.R5, 17, pass);                       // neither TCP nor UDP
        a.Mark(ports);
        // Ports sit after a variable-length IPv4 header: IHL * 4 bytes from offset 14.
        a.Emit(
            Instruction.LoadMem(OpCodes.SizeB, Register.R5, Register.R2, 14),
            Instruction.Alu64(OpCodes.And, Register.R5, 0x0f),
            Instruction.Alu64(OpCodes.Lsh, Register.R5, 2),
            Instruction.Mov64(Register.R4, Register.R2),
            Instruction.Alu64(OpCodes.Add, Register.R4, Register.R5),
            Instruction.Alu64(OpCodes.Add, Register.R4, 14),               // r4 = transport header
            Instruction.Mov64(Register.R5, Register.R4),
            Instruction.Alu64(OpCodes.Add, Register.R5, 4));
        a.Jump(OpCodes.Jgt, Register.R5, Register.R3, drop);              // truncated transport header
        a.Emit(
            Instruction.LoadMem(OpCodes.SizeH, Register.R5, Register.R4, 2), // destination port, network order
            Instruction.StoreImm(OpCodes.SizeW, Register.R10, -4, 0),
            Instruction.StoreMem(OpCodes.SizeH, Register.R10, Register.R5, -4),
            Instruction.LoadMapFd(Register.R1, blockedFd),
            Instruction.Mov64(Register.R2, Register.R10),
            Instruction.Alu64(OpCodes.Add, Register.R2, -4),
            Instruction.Call(1));                                           // bpf_map_lookup_elem
        a.Jump(OpCodes.Jne, Register.R0, 0, drop);
        a.Mark(pass).Emit(Instruction.Mov64(Verdict, VerdictContinue), Instruction.Mov64(Counter, (int)Passed)).Goto(count);
        a.Mark(drop).Emit(Instruction.Mov64(Verdict, VerdictDrop), Instruction.Mov64(Counter, (int)Dropped));
        a.Mark(count).Emit(
            Instruction.StoreMem(OpCodes.SizeW, Register.R10, Counter, -8),
            Instruction.LoadMapFd(Register.R1, verdictsFd),
            Instruction.Mov64(Register.R2, Register.R10),
            Instruction.Alu64(OpCodes.Add, Register.R2, -8),
            Instruction.Call(1));
        a.Jump(OpCodes.Jeq, Register.R0, 0, done);
        a.Emit(
            Instruction.Mov64(Register.R1, 1),
            // Atomic add: per-CPU slots need none, but it keeps the pattern right for shared maps.
            new Instruction((byte)(OpCodes.ClassStx | OpCodes.ModeAtomic | OpCodes.SizeDW), Register.R0, Register.R1, 0, OpCodes.Add));
        a.Mark(done).Emit(Instruction.Mov64(Register.R0, Verdict), Instruction.Exit());
        return a.Build();
    }

    public void Dispose()
    {
        Program.Dispose();
        BlockedPorts.Dispose();
        Verdicts.Dispose();
    }
}
