using System.Buffers.Binary;

namespace Netfence.Bpf.Compiler.DiffTests.Running;

/// <summary>
/// What one run of a program produced, on either side: the return value, the packet afterwards, and the context
/// fields a tc program can write and BPF_PROG_TEST_RUN copies back (mark, priority, cb[0..4]). A managed run that
/// threw records the exception instead.
/// </summary>
public sealed record Outcome(int ReturnValue, byte[] Packet, uint Mark, uint Priority, uint[] Cb, string? Error = null)
{
    /// <summary>Offsets in <c>struct __sk_buff</c> of the fields compared.</summary>
    public const int MarkOffset = 8, PriorityOffset = 32, CbOffset = 48, CbCount = 5;

    /// <summary>Reads the compared context fields out of a context image.</summary>
    public static Outcome From(int returnValue, byte[] packet, ReadOnlySpan<byte> context)
    {
        var cb = new uint[CbCount];
        for (var i = 0; i < CbCount; i++)
            cb[i] = BinaryPrimitives.ReadUInt32LittleEndian(context[(CbOffset + i * 4)..]);
        return new Outcome(returnValue, packet,
            BinaryPrimitives.ReadUInt32LittleEndian(context[MarkOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(context[PriorityOffset..]), cb);
    }

    /// <summary>True when both runs produced the same observable results.</summary>
    public bool SameAs(Outcome other) =>
        Error is null && other.Error is null && ReturnValue == other.ReturnValue && Packet.AsSpan().SequenceEqual(other.Packet) &&
        Mark == other.Mark && Priority == other.Priority && Cb.AsSpan().SequenceEqual(other.Cb);

    /// <inheritdoc />
    public override string ToString() => Error is not null
        ? $"threw {Error}"
        : $"ret {ReturnValue} (0x{ReturnValue:X8}), mark 0x{Mark:X}, priority 0x{Priority:X}, cb [{string.Join(",", Cb.Select(c => $"0x{c:X}"))}], packet {Convert.ToHexString(Packet)}";
}
