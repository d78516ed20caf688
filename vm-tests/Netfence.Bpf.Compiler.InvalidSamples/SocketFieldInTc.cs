using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Compiler.InvalidSamples;

/// <summary>
/// Reads __sk_buff.family from a tc program: valid C# and a valid context field, but tc programs may not read the
/// socket fields, so the verifier refuses the load ("invalid bpf_context access") at this line.
/// </summary>
public static class SocketFieldInTc
{
    [Program(Hook.TcIngress)]
    public static int ReadsFamily(SkBuff ctx)
    {
        uint family = ctx.Family;
        return family == 2 ? TcAction.Shot : TcAction.Ok;
    }
}
