namespace Netfence.Bench;

/// <summary>
/// The percentile every benchmark table prints: nearest rank, so a p99 is a sample that was really measured, never an
/// interpolation between two (with 100 samples p99 is the second-slowest, with fewer than 100 the slowest).
/// </summary>
internal static class NearestRank
{
    /// <param name="sorted">The samples in ascending order.</param>
    /// <param name="quantile">Between 0 and 1, e.g. 0.99.</param>
    public static double Of(IReadOnlyList<double> sorted, double quantile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];
}
