namespace Netfence.Bench.Datapath;

/// <summary>Order statistics of a sample (nearest-rank percentiles, the median interpolated).</summary>
internal sealed record Summary(double Median, double P99, double Min, int Count)
{
    public static Summary Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples", nameof(samples));
        var sorted = samples.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double p99 = Netfence.Bench.NearestRank.Of(sorted, 0.99);
        return new Summary(median, p99, sorted[0], n);
    }
}

/// <summary>Ratios as the tables print them.</summary>
internal static class Ratios
{
    public static double Of(double csharp, double reference) => reference == 0 ? double.NaN : csharp / reference;

    /// <summary>Relative overhead of <paramref name="value"/> over <paramref name="baseline"/>, in percent.</summary>
    public static double OverheadPercent(double value, double baseline) => (value / baseline - 1) * 100;
}
