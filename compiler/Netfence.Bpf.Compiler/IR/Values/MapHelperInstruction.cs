namespace Netfence.Bpf.Compiler.IR;

/// <summary>How a map helper's arguments and result are shaped, read from the SDK method's signature.</summary>
internal enum MapHelperShape
{
    /// <summary>
    /// (in key, out value) → bool: the helper returns a value pointer; null means not found (the out value is zeroed),
    /// otherwise the value is copied into the frame.
    /// </summary>
    LookupCopy,

    /// <summary>
    /// An extension (index, delta) → bool: the helper returns a value pointer and the delta is added through it with an
    /// atomic 64-bit add when it is not null.
    /// </summary>
    LookupAdd,

    /// <summary>
    /// (in key) → ref value: the helper's value pointer itself, 64 bits, null when the key is absent. The frontend
    /// tracks it as a map value reference that must be null-tested before any access.
    /// </summary>
    LookupPointer,

    /// <summary>Pointer and scalar arguments in order, the helper's long result returned (update, delete).</summary>
    Call,

    /// <summary>(in T data) → long: the record's pointer, its size and zero flags (ring buffer output).</summary>
    Record,
}

/// <summary>
/// A helper call whose first argument is a map: r1 is an LD_IMM64 relocated against the map's symbol, and each stack
/// argument is passed as a pointer into the frame.
/// </summary>
internal sealed class MapHelperInstruction(
    SourcePosition? position, MapHelperShape shape, int helperId, string map, VirtualRegister? destination,
    IReadOnlyList<MapHelperArgument> arguments, StackAddress? output, int outputSize)
    : IrInstruction(position, destination, arguments.Where(a => a.Address is null).Select(a => a.Value).ToArray())
{
    public MapHelperShape Shape { get; } = shape;

    public int HelperId { get; } = helperId;

    /// <summary>The map's symbol name.</summary>
    public string Map { get; } = map;

    /// <summary>Arguments after the map, in helper order. Scalar ones read their operand from <see cref="IrInstruction.Operands"/>.</summary>
    public IReadOnlyList<MapHelperArgument> Arguments { get; } = arguments;

    /// <summary>Where a <see cref="MapHelperShape.LookupCopy"/> copies the value.</summary>
    public StackAddress? Output { get; } = output;

    public int OutputSize { get; } = outputSize;

    public override bool HasSideEffects => true;

    /// <summary>The operand of scalar argument <paramref name="index"/> (its position among the scalar arguments).</summary>
    public Operand ScalarOperand(int index) => Operands[index];

    public override string ToString() =>
        $"{Dest}map.{Shape} {HelperId}({Map}, {string.Join(", ", Arguments.Select(a => a.Address?.ToString() ?? "scalar"))})";
}

/// <summary>
/// One argument of a map helper or a global function call: a frame address passed as a pointer, or a register or
/// constant passed as it is (then Value is its operand; a pointer register keeps its pointer type).
/// </summary>
internal sealed record MapHelperArgument(StackAddress? Address, Operand Value)
{
    public static MapHelperArgument Pointer(StackAddress address) => new(address, default);

    public static MapHelperArgument Scalar(Operand value) => new(null, value);
}
