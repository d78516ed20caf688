namespace Netfence.Bpf.Compiler.DiffTests.Inputs;

/// <summary>
/// The values where integer code goes wrong, for one width: 0, 1, -1 (all ones, the unsigned maximum), the signed
/// minimum and maximum and their neighbours, and every power of two with its neighbours. Values are bit patterns
/// truncated to the width, so one list serves the signed and the unsigned reading.
/// </summary>
public static class EdgeValues
{
    /// <summary>The few values every pair of operands is crossed with.</summary>
    public static IReadOnlyList<ulong> Core(int widthBytes)
    {
        var bits = widthBytes * 8;
        var signBit = 1UL << (bits - 1);
        return Distinct(widthBytes, [0, 1, ulong.MaxValue, signBit, signBit - 1, signBit + 1, 2, ulong.MaxValue - 1]);
    }

    /// <summary>Every edge value of the width.</summary>
    public static IReadOnlyList<ulong> All(int widthBytes)
    {
        var values = new List<ulong>(Core(widthBytes));
        for (var bit = 0; bit < widthBytes * 8; bit++)
        {
            var power = 1UL << bit;
            values.Add(power);
            values.Add(power - 1);
            values.Add(power + 1);
            values.Add(~power);
            values.Add(0UL - power);
        }
        return Distinct(widthBytes, values);
    }

    /// <summary>The all-ones mask of a width.</summary>
    public static ulong Mask(int widthBytes) => widthBytes >= 8 ? ulong.MaxValue : (1UL << (widthBytes * 8)) - 1;

    private static List<ulong> Distinct(int widthBytes, IEnumerable<ulong> values)
    {
        var mask = Mask(widthBytes);
        return values.Select(v => v & mask).Distinct().ToList();
    }
}
