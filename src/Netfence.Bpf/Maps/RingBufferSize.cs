namespace Netfence.Bpf.Maps;

/// <summary>The kernel's rule for ring buffer sizes: a power of two and a whole number of pages.</summary>
public static class RingBufferSize
{
    /// <summary>Throws naming the map and the rule when <paramref name="sizeBytes"/> is not a valid ring buffer size.</summary>
    public static void Validate(string mapName, uint sizeBytes)
    {
        int page = Environment.SystemPageSize;
        if (sizeBytes == 0 || (sizeBytes & (sizeBytes - 1)) != 0 || sizeBytes % page != 0)
            throw new ArgumentException($"ring buffer '{mapName}' size {sizeBytes} must be a power of two and a multiple of the page size ({page} bytes), e.g. {Math.Max(page, 256 * 1024)}", nameof(sizeBytes));
    }
}
