namespace Netfence.Bpf.Compiler.DiffTests.Inputs;

/// <summary>Generates the packets one program is run on; the same seed yields the same packets.</summary>
public interface IInputSource
{
    /// <summary>All packets for one run, drawn from <paramref name="random"/> plus the source's fixed edge cases.</summary>
    IReadOnlyList<byte[]> Generate(Random random);
}
