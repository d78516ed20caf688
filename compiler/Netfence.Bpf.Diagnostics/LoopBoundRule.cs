namespace Netfence.Bpf.Diagnostics
{
    /// <summary>
    /// The one definition of a provable loop bound (NF0013), applied by the analyzer to C# loops and by the IL walker
    /// to the loops of the control-flow graph, so both stages accept and reject the same loops. A loop is bounded when
    /// an exit test that runs in every iteration compares a counter with a bound, and every iteration changes the
    /// counter exactly once, by a constant step towards that bound:
    /// <list type="bullet">
    /// <item>an exit test is the loop condition (one operand of an &amp;&amp; is enough; || is not, because either
    /// side keeps the loop going) or an <c>if (...) break;</c> statement of the loop body (any operand of its ||),
    /// reached in every iteration: no <c>continue</c> before it;</item>
    /// <item>the counter is an int, uint, long or ulong local or by-value parameter that the loop never passes by
    /// ref or out nor takes the address of (passing it by in is a read);</item>
    /// <item>the bound is a constant, a static readonly configuration field, or arithmetic over them;</item>
    /// <item>the step is the only assignment to the counter in the loop: <c>i++</c>, <c>i--</c>, <c>i += c</c> or
    /// <c>i -= c</c> with a constant c, in the for loop's increment or as a statement of the loop body reached in
    /// every iteration (no <c>continue</c> before it); it moves towards the bound: up for &lt; and &lt;=, down for
    /// &gt; and &gt;=, by exactly one for !=.</item>
    /// </list>
    /// The kernel (5.3 and later, so 6.1 too) then verifies the loop by walking its iterations; a loop outside the
    /// rule (a goto loop, a counter assigned in the body, a while (true) whose breaks test data) may never end as far
    /// as the verifier can tell.
    /// </summary>
    internal static class LoopBoundRule
    {
        /// <summary>How an exit test compares the counter (on the left) with the bound while the loop goes on.</summary>
        internal enum Comparison
        {
            Less,
            LessOrEqual,
            Greater,
            GreaterOrEqual,
            NotEqual,
            Equal,
        }

        /// <summary>Whether repeating <paramref name="step"/> ends a loop that continues while the counter compares so.</summary>
        public static bool StepReachesBound(Comparison continueWhile, long step)
        {
            switch (continueWhile)
            {
                case Comparison.Less:
                case Comparison.LessOrEqual:
                    return step > 0;
                case Comparison.Greater:
                case Comparison.GreaterOrEqual:
                    return step < 0;
                case Comparison.NotEqual:
                    return step == 1 || step == -1;
                default:
                    return false;
            }
        }

        /// <summary>The comparison that holds when <paramref name="comparison"/> does not.</summary>
        public static Comparison Negate(Comparison comparison)
        {
            switch (comparison)
            {
                case Comparison.Less: return Comparison.GreaterOrEqual;
                case Comparison.LessOrEqual: return Comparison.Greater;
                case Comparison.Greater: return Comparison.LessOrEqual;
                case Comparison.GreaterOrEqual: return Comparison.Less;
                case Comparison.NotEqual: return Comparison.Equal;
                default: return Comparison.NotEqual;
            }
        }

        /// <summary>The same comparison with its operands exchanged (the counter moved to the left).</summary>
        public static Comparison Swap(Comparison comparison)
        {
            switch (comparison)
            {
                case Comparison.Less: return Comparison.Greater;
                case Comparison.LessOrEqual: return Comparison.GreaterOrEqual;
                case Comparison.Greater: return Comparison.Less;
                case Comparison.GreaterOrEqual: return Comparison.LessOrEqual;
                default: return comparison;
            }
        }

        /// <summary>The reason when no exit test has the shape of a bound.</summary>
        public const string NoBoundedExit =
            "no exit test run in every iteration compares a counter with a constant or static readonly configuration";

        /// <summary>The reason when a test has the shape but its counter does not step towards the bound.</summary>
        public static string CounterNotStepped(string counter) =>
            "the counter '" + counter + "' is not changed by exactly one constant step towards its bound in every iteration";
    }
}
