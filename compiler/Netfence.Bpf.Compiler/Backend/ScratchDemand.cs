using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Backend;

/// <summary>
/// How many caller-saved registers (r0–r5) the instruction selector may take as scratch while it lowers one IR
/// instruction: an operand reloaded from its spill slot, a constant that does not fit an immediate, a result computed
/// before it is stored to a spilled destination. The register allocator keeps that many of r0–r5 free of live values at
/// the instruction, so values that never cross a helper call can live in r0–r5 as clang keeps them.
/// <see cref="All"/> marks instructions that clobber every one of r0–r5 (helper and function calls, the signed-division
/// emulation): no value stays in r0–r5 across them, and their operands are never read from there.
/// The numbers are worst cases over where the operands and the destination end up; <see cref="InstructionSelector"/>
/// takes no more than these.
/// </summary>
internal static class ScratchDemand
{
    public const int All = 6;

    public static int Of(IrInstruction instruction) => instruction switch
    {
        HelperCallInstruction or MapHelperInstruction or FunctionCallInstruction or SignedDivisionInstruction => All,
        // The result, and the two operands when they are constants or spilled.
        CompareInstruction or PacketAccessInstruction => 3,
        BinaryInstruction or ContextLoadInstruction or ContextStoreInstruction or StackLoadInstruction or PointerLoadInstruction
            or PacketLoadInstruction or PointerStoreInstruction or PointerCopyInstruction or BranchTerminator => 2,
        MoveInstruction or UnaryInstruction or ExtendInstruction or ByteSwapInstruction or StackStoreInstruction or StackZeroInstruction
            or StackCopyInstruction or ConfigLoadInstruction => 1,
        // A return writes r0 and leaves the function: whatever r0 held is dead there.
        ReturnTerminator or JumpTerminator => 0,
        _ => throw new InvalidOperationException($"no scratch demand for {instruction.GetType().Name}"),
    };
}
