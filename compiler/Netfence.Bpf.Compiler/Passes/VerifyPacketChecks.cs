using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Passes;

/// <summary>
/// Asserts that optimisation neither removed, duplicated, hoisted nor merged a packet access: every
/// <see cref="PacketAccessInstruction"/> the frontend built is still present exactly once, in the block it was built
/// in. The verifier proves each packet read safe through the check on its own pointer, so a check moved away from
/// its read, or shared by two reads, would make a correct C# program fail to load.
/// </summary>
internal sealed class VerifyPacketChecks
{
    readonly Dictionary<PacketAccessInstruction, BasicBlock> _before = [];

    public VerifyPacketChecks(IrFunction function)
    {
        foreach (var b in function.Blocks)
            foreach (var p in b.Instructions.OfType<PacketAccessInstruction>())
                _before[p] = b;
    }

    /// <summary>Throws when a pass broke the invariant (a compiler bug, reported as such).</summary>
    public void Check(IrFunction function)
    {
        var after = new Dictionary<PacketAccessInstruction, BasicBlock>();
        foreach (var b in function.Blocks)
            foreach (var p in b.Instructions.OfType<PacketAccessInstruction>())
                if (!after.TryAdd(p, b))
                    throw new InvalidOperationException($"packet access '{p}' appears twice after optimisation");
        foreach (var (p, block) in after)
        {
            if (!_before.TryGetValue(p, out var original))
                throw new InvalidOperationException($"packet access '{p}' was created by an optimisation");
            if (original != block)
                throw new InvalidOperationException($"packet access '{p}' moved from {original} to {block}");
        }
        // Accesses may only disappear together with their whole (unreachable) block.
        foreach (var (p, block) in _before)
            if (!after.ContainsKey(p) && function.Blocks.Contains(block))
                throw new InvalidOperationException($"packet access '{p}' was removed from reachable block {block}");
    }
}
