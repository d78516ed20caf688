namespace Netfence.Bpf.Sdk;

/// <summary>Return values of classic tc programs.</summary>
public static class TcAction
{
    /// <summary>TC_ACT_OK: let the packet through.</summary>
    public const int Ok = 0;
    /// <summary>TC_ACT_SHOT: drop the packet.</summary>
    public const int Shot = 2;
}
