namespace Netfence.Sandbox;

/// <summary>Names for test objects: the <c>nft</c> prefix marks them as ours, the suffix keeps parallel tests apart.</summary>
public static class UniqueName
{
    public const string Prefix = "nft";

    /// <summary>e.g. <c>nft3fa9c1</c> (9 characters, so derived interface names fit in 15).</summary>
    public static string Next() => Prefix + Convert.ToHexString(Guid.NewGuid().ToByteArray(), 0, 3).ToLowerInvariant();
}
