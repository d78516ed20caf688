namespace Netfence.Bpf.Sdk;

/// <summary>Return values of tcx programs.</summary>
public static class Tcx
{
    /// <summary>TCX_NEXT: no opinion, run the next program in the chain.</summary>
    public const int Next = -1;
    /// <summary>TCX_PASS: accept the packet and end the chain.</summary>
    public const int Pass = 0;
    /// <summary>TCX_DROP: drop the packet.</summary>
    public const int Drop = 2;
}
