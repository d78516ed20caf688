using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Sdk.Tests.Samples;

/// <summary>How <see cref="ModeFilter"/> treats traffic: an enum declared by the program's own assembly.</summary>
public enum FilterMode : byte
{
    Allow,
    Deny,
}

/// <summary>A filter whose configuration is an enum, so isolated runs must be able to set one.</summary>
public static class ModeFilter
{
    public static readonly FilterMode Mode = FilterMode.Allow;

    [Program(Hook.TcxIngress)]
    public static int Ingress(SkBuff ctx) => Mode == FilterMode.Deny ? Tcx.Drop : Tcx.Next;
}
