namespace Netfence.Bpf.Compiler.IR;

/// <summary>A comparison; signedness is explicit because IL distinguishes clt from clt.un and blt from blt.un.</summary>
internal enum Condition
{
    Equal,
    NotEqual,
    SignedLess,
    SignedLessOrEqual,
    SignedGreater,
    SignedGreaterOrEqual,
    UnsignedLess,
    UnsignedLessOrEqual,
    UnsignedGreater,
    UnsignedGreaterOrEqual,
}

internal static class ConditionExtensions
{
    public static Condition Negate(this Condition c) => c switch
    {
        Condition.Equal => Condition.NotEqual,
        Condition.NotEqual => Condition.Equal,
        Condition.SignedLess => Condition.SignedGreaterOrEqual,
        Condition.SignedLessOrEqual => Condition.SignedGreater,
        Condition.SignedGreater => Condition.SignedLessOrEqual,
        Condition.SignedGreaterOrEqual => Condition.SignedLess,
        Condition.UnsignedLess => Condition.UnsignedGreaterOrEqual,
        Condition.UnsignedLessOrEqual => Condition.UnsignedGreater,
        Condition.UnsignedGreater => Condition.UnsignedLessOrEqual,
        Condition.UnsignedGreaterOrEqual => Condition.UnsignedLess,
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, null),
    };

    /// <summary>The condition with its operands exchanged: a &lt; b is b &gt; a.</summary>
    public static Condition Swap(this Condition c) => c switch
    {
        Condition.SignedLess => Condition.SignedGreater,
        Condition.SignedLessOrEqual => Condition.SignedGreaterOrEqual,
        Condition.SignedGreater => Condition.SignedLess,
        Condition.SignedGreaterOrEqual => Condition.SignedLessOrEqual,
        Condition.UnsignedLess => Condition.UnsignedGreater,
        Condition.UnsignedLessOrEqual => Condition.UnsignedGreaterOrEqual,
        Condition.UnsignedGreater => Condition.UnsignedLess,
        Condition.UnsignedGreaterOrEqual => Condition.UnsignedLessOrEqual,
        _ => c,
    };

    /// <summary>Evaluates the condition on constants, at the given width, as the kernel would.</summary>
    public static bool Evaluate(this Condition c, Width width, long left, long right)
    {
        if (width == Width.W32)
        {
            left = (int)left;
            right = (int)right;
        }
        ulong ul = width == Width.W32 ? (uint)left : (ulong)left, ur = width == Width.W32 ? (uint)right : (ulong)right;
        return c switch
        {
            Condition.Equal => ul == ur,
            Condition.NotEqual => ul != ur,
            Condition.SignedLess => left < right,
            Condition.SignedLessOrEqual => left <= right,
            Condition.SignedGreater => left > right,
            Condition.SignedGreaterOrEqual => left >= right,
            Condition.UnsignedLess => ul < ur,
            Condition.UnsignedLessOrEqual => ul <= ur,
            Condition.UnsignedGreater => ul > ur,
            Condition.UnsignedGreaterOrEqual => ul >= ur,
            _ => throw new ArgumentOutOfRangeException(nameof(c), c, null),
        };
    }
}
