namespace Netfence.Bpf.KernelTests.Maps;

/// <summary>Unique kernel object names, so parallel tests never confuse each other's maps in bpftool output.</summary>
internal static class MapNames
{
    public static string Unique(string stem) => $"nft{stem}{Random.Shared.Next(0, 1 << 24):x6}";
}
