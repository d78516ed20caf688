using System.Reflection;
using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Compiler.DiffTests.Running;

/// <summary>Runs a corpus program as plain .NET over a copy of the packet and a zeroed context image.</summary>
public sealed class ManagedSide
{
    private readonly SkBuffProgram _program;

    /// <summary>Binds the static program method <paramref name="name"/> of <paramref name="owner"/>.</summary>
    public ManagedSide(Type owner, string name)
    {
        var method = owner.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
                     ?? throw new ArgumentException($"{owner.FullName} has no public static program {name}", nameof(name));
        _program = method.CreateDelegate<SkBuffProgram>();
    }

    /// <summary>Runs once. The context image carries len like the kernel's skb; everything else starts zero.</summary>
    public Outcome Run(byte[] input)
    {
        var packet = (byte[])input.Clone();
        var context = new byte[SkBuff.Size];
        BitConverter.TryWriteBytes(context.AsSpan(0, 4), (uint)packet.Length);
        try
        {
            var returnValue = _program(new SkBuff(packet, context));
            return Outcome.From(returnValue, packet, context);
        }
        catch (Exception e)
        {
            return new Outcome(0, packet, 0, 0, [], $"{e.GetType().Name}: {e.Message}");
        }
    }
}
