using Netfence.Bpf.DiffCorpus;

namespace Netfence.Bpf.Compiler.DiffTests.Inputs;

/// <summary>
/// Packets of <see cref="Layout.PacketBytes"/> random bytes with the operand fields set to: every edge value of each
/// field (the other fields random), the core edge values of every pair of fields crossed, every chosen value of each
/// field, one edge value in all fields at once, and fully random packets to bring the total past the minimum.
/// </summary>
public sealed class OperandInputs(params InputField[] fields) : IInputSource
{
    /// <summary>Cases every program gets at least.</summary>
    public const int MinimumCases = 1000;

    /// <summary>Random cases every program gets on top of its edge cases.</summary>
    public const int RandomCases = 400;

    /// <summary>The operand fields.</summary>
    public IReadOnlyList<InputField> Fields { get; } = fields;

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Generate(Random random)
    {
        var cases = new List<byte[]>();
        byte[] Fresh()
        {
            var packet = new byte[Layout.PacketBytes];
            random.NextBytes(packet);
            cases.Add(packet);
            return packet;
        }

        foreach (var field in Fields)
        {
            foreach (var value in EdgeValues.All(field.WidthBytes))
                field.Write(Fresh(), value);
            foreach (var value in field.Chosen)
                field.Write(Fresh(), (ulong)value);
        }

        for (var i = 0; i < Fields.Count; i++)
        {
            for (var j = i + 1; j < Fields.Count; j++)
            {
                foreach (var a in EdgeValues.Core(Fields[i].WidthBytes))
                {
                    foreach (var b in EdgeValues.Core(Fields[j].WidthBytes))
                    {
                        var packet = Fresh();
                        Fields[i].Write(packet, a);
                        Fields[j].Write(packet, b);
                    }
                }
            }
        }

        foreach (var value in EdgeValues.Core(8))
        {
            var packet = Fresh();
            foreach (var field in Fields)
                field.Write(packet, value);
        }

        var randomCount = Math.Max(RandomCases, MinimumCases - cases.Count);
        for (var i = 0; i < randomCount; i++)
            Fresh();
        return cases;
    }
}
