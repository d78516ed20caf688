using Netfence.Bpf.Compiler.Backend;
using Netfence.Bpf.Compiler.IR;

namespace Netfence.Bpf.Compiler.Tests;

/// <summary>
/// The register allocator checked against an interference oracle of its own: liveness walked backwards through each
/// block, so that any two virtual registers live at once (or one defined while the other stays live) must have
/// different locations, be they registers or spill slots.
/// </summary>
public class RegisterAllocatorTests
{
    // More values live across a helper call than r6-r9 can hold, read from the packet so nothing folds away; the
    // second use reuses some of them after the first one's temporaries die, the shape that once put a spilled argument
    // and a later spill in one slot.
    const string ManyLiveValues = """
        public static class P
        {
            static long Five(long a, int b, short c, byte d, ulong e) => a * 3 + b - c * d + (long)(e >> 1);

            [Program(Hook.TcIngress)]
            public static int M(SkBuff skb)
            {
                if (!skb.TryRead(0, out ulong x) || !skb.TryRead(8, out long a) || !skb.TryRead(16, out int b) ||
                    !skb.TryRead(20, out short c) || !skb.TryRead(22, out byte d))
                    return -1;
                long p1 = a + b, p2 = c * d, p3 = (long)x ^ a, p4 = a - c, p5 = b * d;
                long t = (long)Bpf.KtimeGetNs();
                skb.TryWrite(64, Five(a, b, c, d, x) + t);
                return (int)(Five(b, c, d, 1, (ulong)a) + t + p1 + p2 + p3 + p4 + p5);
            }

            [Program(Hook.TcIngress)]
            public static int Wide(SkBuff skb)
            {
                if (!skb.TryRead(0, out long p) || !skb.TryRead(8, out long q))
                    return -1;
                long v1 = p + 1, v2 = q * 3, v3 = p ^ q, v4 = p - q, v5 = q >> 3, v6 = p * q, v7 = p | 5;
                long t = (long)Bpf.KtimeGetNs();
                long w1 = v1 * t, w2 = v2 + t;
                return (int)(v1 + v2 + v3 + v4 + v5 + v6 + v7 + w1 + w2 + t);
            }
        }
        """;

    [Fact]
    public void Values_live_at_the_same_time_never_share_a_register_or_a_spill_slot()
    {
        foreach (var function in Snippet.Lower(ManyLiveValues))
        {
            var allocation = new RegisterAllocator(function);
            FrameLayout.Run(function, allocation);
            Assert.True(allocation.SpillSlots > 0, $"{function.Name} should need spill slots to test them");
            foreach (var (a, b, where) in Interferences(function))
            {
                var (la, lb) = (allocation.Locations[a], allocation.Locations[b]);
                Assert.False(la == lb, $"{function.Name}: {a} and {b} are both live at {where} but share {Describe(la)}");
            }
        }
    }

    [Fact]
    public void No_value_stays_in_r0_to_r5_across_an_instruction_that_clobbers_them()
    {
        foreach (var function in Snippet.Lower(ManyLiveValues))
        {
            var allocation = new RegisterAllocator(function);
            var liveness = new Liveness(function);
            int inCallerSaved = 0;
            foreach (var block in function.Blocks)
            {
                var live = new HashSet<VirtualRegister>(liveness.LiveOut[block]);
                foreach (var i in Liveness.Instructions(block).Reverse())
                {
                    foreach (var d in i.Definitions) live.Remove(d);
                    if (ScratchDemand.Of(i) == ScratchDemand.All)
                    {
                        // Live across it, or read by it: its argument moves could overwrite an operand before reading it.
                        foreach (var r in live.Concat(i.Uses))
                            Assert.False(allocation.Locations[r].Register is { } p && p <= Netfence.Bpf.Asm.Register.R5,
                                $"{function.Name}: {r} is in {allocation.Locations[r]} across or into '{i}'");
                    }
                    foreach (var u in i.Uses) live.Add(u);
                }
            }
            foreach (var l in allocation.Locations.Values) if (l.Register is { } p && p <= Netfence.Bpf.Asm.Register.R5) inCallerSaved++;
            Assert.True(inCallerSaved > 0, $"{function.Name} should keep some values in r0-r5 to test them");
        }
    }

    static string Describe(Location l) => l.Register is { } r ? r.ToString() : $"[r10{l.SpillOffset}]";

    /// <summary>Pairs of registers live at one point, found independently of the allocator's live intervals.</summary>
    static IEnumerable<(VirtualRegister, VirtualRegister, string)> Interferences(IrFunction function)
    {
        var liveness = new Liveness(function);
        foreach (var block in function.Blocks)
        {
            var live = new HashSet<VirtualRegister>(liveness.LiveOut[block]);
            foreach (var i in Liveness.Instructions(block).Reverse())
            {
                foreach (var d in i.Definitions)
                {
                    foreach (var other in live.Where(o => o != d)) yield return (d, other, $"{block}: {i}");
                    live.Remove(d);
                }
                // Two registers one instruction writes (a packet read's result and its view) must differ too.
                foreach (var d in i.Definitions)
                    foreach (var other in i.Definitions.Where(o => o.Id > d.Id)) yield return (d, other, $"{block}: {i}");
                foreach (var u in i.Uses) live.Add(u);
                foreach (var x in live)
                    foreach (var y in live.Where(y => y.Id > x.Id))
                        yield return (x, y, $"{block}: before {i}");
            }
            // The context arrives in r1 and is committed before the entry block runs.
            if (block == function.Entry)
                foreach (var other in live.Where(o => o != function.Context)) yield return (function.Context, other, "entry");
        }
    }
}
