using Netfence.Bpf.Compiler.DiffTests.Inputs;
using Netfence.Bpf.Compiler.DiffTests.MapState;
using Netfence.Bpf.DiffCorpus.Arithmetic;
using Netfence.Bpf.DiffCorpus.ControlFlow;
using Netfence.Bpf.DiffCorpus.Data;
using Netfence.Bpf.DiffCorpus.Maps;
using Netfence.Bpf.DiffCorpus.Packets;
using static Netfence.Bpf.Compiler.DiffTests.Inputs.InputField;

namespace Netfence.Bpf.Compiler.DiffTests.Corpus;

/// <summary>
/// Every program of the corpus with the inputs it reads (offsets and widths as its doc comment states them), and
/// every map with its seed. A test checks that this table and the corpus's [Program] methods stay in step.
/// </summary>
public static class CorpusCatalog
{
    private static readonly IInputSource Frames = new FrameInputs();

    // Eight 64-bit words: the loops read the input bytes one by one.
    private static readonly IInputSource Words = new OperandInputs(
        At(0, 8), At(8, 8), At(16, 8), At(24, 8), At(32, 8), At(40, 8), At(48, 8), At(56, 8));

    /// <summary>The corpus programs.</summary>
    public static IReadOnlyList<CorpusEntry> Entries { get; } =
    [
        Operands(typeof(Arithmetic), nameof(Arithmetic.Arith8), At(0, 1), At(1, 1), At(2, 1), At(3, 1)),
        Operands(typeof(Arithmetic), nameof(Arithmetic.Arith16), At(0, 2), At(2, 2), At(4, 2), At(6, 2)),
        Operands(typeof(Arithmetic), nameof(Arithmetic.Arith32), At(0, 4), At(4, 4), At(8, 4), At(12, 4)),
        Operands(typeof(Arithmetic), nameof(Arithmetic.Arith64), At(0, 8), At(8, 8), At(16, 8), At(24, 8)),
        Operands(typeof(Arithmetic), nameof(Arithmetic.Bitwise), At(0, 8), At(8, 4), At(12, 2), At(14, 1)),
        Operands(typeof(Conversions), nameof(Conversions.Narrowing), At(0, 8)),
        Operands(typeof(Conversions), nameof(Conversions.Widening), At(0, 1), At(1, 1), At(2, 2), At(4, 2), At(8, 4), At(12, 4)),
        Operands(typeof(Shifts), nameof(Shifts.Shift32), At(0, 4), At(4, 4), Sweep(8, 4, -70, 140)),
        Operands(typeof(Shifts), nameof(Shifts.Shift64), At(0, 8), At(8, 8), Sweep(16, 4, -140, 200)),
        Operands(typeof(Shifts), nameof(Shifts.ShiftSmall), At(0, 2), At(2, 2), At(4, 1), At(5, 1), Sweep(8, 4, -70, 140)),
        Operands(typeof(Shifts), nameof(Shifts.ShiftConst), At(0, 4), At(8, 8)),
        Operands(typeof(Comparisons), nameof(Comparisons.CmpSigned32), At(0, 4), At(4, 4)),
        Operands(typeof(Comparisons), nameof(Comparisons.CmpUnsigned32), At(0, 4), At(4, 4)),
        Operands(typeof(Comparisons), nameof(Comparisons.CmpSigned64), At(0, 8), At(8, 8)),
        Operands(typeof(Comparisons), nameof(Comparisons.CmpUnsigned64), At(0, 8), At(8, 8)),
        Operands(typeof(Comparisons), nameof(Comparisons.CmpMixed), At(0, 1), At(1, 1), At(2, 2), At(4, 2), At(8, 4), At(12, 4)),
        Operands(typeof(Division), nameof(Division.DivU32), At(0, 4), Sweep(4, 4, -20, 20)),
        Operands(typeof(Division), nameof(Division.DivU64), At(0, 8), Sweep(8, 8, -20, 20)),
        Operands(typeof(Division), nameof(Division.DivS32), At(0, 4), Sweep(4, 4, -20, 20)),
        Operands(typeof(Division), nameof(Division.DivS64), At(0, 8), Sweep(8, 8, -20, 20)),
        Operands(typeof(Division), nameof(Division.DivConst32), At(0, 4), Sweep(4, 4, -40, 40)),
        Operands(typeof(Division), nameof(Division.DivConst64), At(0, 8), Sweep(8, 8, -140, 140)),
        Operands(typeof(Division), nameof(Division.DivNegativeConst), At(0, 4), At(8, 8)),
        Operands(typeof(Division), nameof(Division.DivSignedVariable), At(0, 4), Sweep(4, 4, -20, 20), At(8, 8), Sweep(16, 8, -20, 20)),
        Operands(typeof(Division), nameof(Division.DivSmall), At(0, 1), At(1, 1), At(2, 1), At(3, 1), At(4, 2), At(6, 2)),
        Operands(typeof(Branches), nameof(Branches.IfChains), Sweep(0, 4, -1002, 1002), At(8, 8)),
        Operands(typeof(Branches), nameof(Branches.SwitchDense), Sweep(0, 4, -3, 12)),
        Operands(typeof(Branches), nameof(Branches.SwitchSparse),
            With(0, 4, 22, 53, 80, 443, 8080, 65535, 65536 + 443, 7, 0x8000_0000), With(8, 8, 0x1_0000_0000)),
        Operands(typeof(Branches), nameof(Branches.SwitchPatterns),
            With(0, 8, -101, -100, -99, -1, 0, 1, 254, 255, 256, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001), Sweep(8, 1, 0, 255)),
        Operands(typeof(Branches), nameof(Branches.Ternaries), At(0, 4), At(4, 4), With(8, 8, 9, 10, 11, 999, 1000, 1001)),
        new(nameof(Loops.LoopSum), typeof(Loops), Words, []),
        new(nameof(Loops.LoopBreak), typeof(Loops), Words, []),
        new(nameof(Loops.LoopNested), typeof(Loops), Words, []),
        Operands(typeof(Loops), nameof(Loops.LoopBits), With(0, 8, 27, 97, 871, 6171, 0x7FFF_FFFF)),
        Operands(typeof(Loops), nameof(Loops.LoopConfigBound), At(0, 8), At(8, 8), At(16, 8), At(24, 8)),
        Operands(typeof(Logic), nameof(Logic.ShortCircuit), At(0, 4), At(4, 4), At(8, 1)),
        Operands(typeof(Logic), nameof(Logic.Bools), At(0, 1), At(1, 1), At(4, 4)),
        Operands(typeof(Logic), nameof(Logic.Enums), Sweep(0, 1, 0, 255), At(4, 4)),
        Operands(typeof(Structs), nameof(Structs.StructCopy), At(0, 8), At(8, 4), At(12, 1)),
        Operands(typeof(Structs), nameof(Structs.StructNested), At(0, 8), At(8, 4), At(12, 1), At(16, 8), At(24, 4), At(28, 1), At(32, 2)),
        Operands(typeof(Structs), nameof(Structs.StructPassing), At(0, 8), At(8, 4), At(12, 1)),
        Operands(typeof(Calls), nameof(Calls.StaticHelpers), At(0, 8), At(8, 8), With(16, 4, -11, -10, 10, 11), At(20, 2)),
        Operands(typeof(Calls), nameof(Calls.FiveArguments), At(0, 8), At(8, 8), At(16, 4), At(20, 2), At(22, 1)),
        Operands(typeof(Calls), nameof(Calls.RefParams), At(0, 8), At(8, 8), At(16, 4)),
        Operands(typeof(Locals), nameof(Locals.RefLocals), At(0, 8), At(8, 4), At(12, 1)),
        Operands(typeof(Locals), nameof(Locals.WithAndPatterns), Sweep(0, 4, -3, 3), Sweep(4, 4, -3, 3), Sweep(8, 4, -3, 101)),
        Operands(typeof(Host), nameof(Host.ByteOrder), At(0, 2), At(4, 4), At(8, 8)),
        Operands(typeof(Host), nameof(Host.ConfigConstants),
            With(0, 2, 0xBB01), At(4, 4), With(8, 8, -123_456_789_011, -123_456_789_012, -123_456_789_013)),
        Operands(typeof(Host), nameof(Host.HelperCalls), At(0, 8)),
        Operands(typeof(Host), nameof(Host.ContextFields), At(0, 4), At(4, 4), At(8, 4), At(12, 4)),
        Operands(typeof(MapPrograms), nameof(MapPrograms.HashOps), [nameof(MapPrograms.HashTable)],
            Sweep(0, 1, 0, 3), Sweep(4, 4, 0, 15), At(8, 8), Sweep(16, 1, 0, 3)),
        Operands(typeof(MapPrograms), nameof(MapPrograms.PaddedKeys), [nameof(MapPrograms.PaddedTable)], At(0, 1), Sweep(4, 4, 0, 7), At(8, 4)),
        Operands(typeof(MapPrograms), nameof(MapPrograms.HashFull), [nameof(MapPrograms.SmallTable)], Sweep(0, 4, 0, 7), Sweep(4, 1, 0, 1)),
        Operands(typeof(MapPrograms), nameof(MapPrograms.ArrayOps), [nameof(MapPrograms.ArrayTable)],
            Sweep(0, 1, 0, 3), Sweep(4, 4, 0, 11), At(8, 8), Sweep(16, 1, 0, 3)),
        Operands(typeof(MapPrograms), nameof(MapPrograms.PerCpuCount), [nameof(MapPrograms.CpuCounters)], Sweep(0, 4, 0, 5), At(8, 8)),
        Operands(typeof(MapPrograms), nameof(MapPrograms.LpmLookup), [nameof(MapPrograms.Prefixes)],
            With(0, 4, 0x0302010A, 0x0402010A, 0x0003010A, 0x0000020A, 0x0000000B, 0x0101A8C0, 0x0101A9C0)),
        Operands(typeof(MapPrograms), nameof(MapPrograms.LpmUpdate), [nameof(MapPrograms.Prefixes)],
            Sweep(0, 1, 0, 1), Sweep(1, 1, 0, 40), Sweep(2, 1, 0, 3), Sweep(3, 1, 0, 3), At(4, 4)),
        Operands(typeof(MapPrograms), nameof(MapPrograms.LookupCopy), [nameof(MapPrograms.HashTable)], Sweep(0, 4, 0, 15)),
        new(nameof(Parsers.ParseEthernet), typeof(Parsers), Frames, []),
        new(nameof(Parsers.ParseVlan), typeof(Parsers), Frames, []),
        new(nameof(Parsers.ParseIpv4), typeof(Parsers), Frames, []),
        new(nameof(Parsers.ParseIpv6), typeof(Parsers), Frames, []),
        new(nameof(Parsers.ParseTransport), typeof(Parsers), Frames, []),
        new(nameof(Parsers.FlowCount), typeof(Parsers), Frames, [nameof(Parsers.Flows)]),
        new(nameof(Parsers.Reflect), typeof(Parsers), Frames, []),
        new(nameof(Parsers.VariableOffset), typeof(Parsers), Frames, []),
        new(nameof(InPlaceReads.ReadAfterRewrite), typeof(InPlaceReads), Frames, []),
        new(nameof(InPlaceReads.ReadWithoutBranch), typeof(InPlaceReads), Frames, []),
        new(nameof(InPlaceReads.ReadAcrossHelper), typeof(InPlaceReads), Frames, []),
        new(nameof(InPlaceReads.TagsInLoop), typeof(InPlaceReads), Frames, []),
    ];

    /// <summary>The addresses <see cref="MapPrograms.LpmUpdate"/> builds prefixes of.</summary>
    private static readonly uint[] LpmAddresses = [0x0000_000A, 0x0001_010A, 0x0302_010A, 0x0100_A8C0];

    /// <summary>Every map of the corpus and its seed.</summary>
    public static IReadOnlyList<MapSetup> Maps { get; } =
    [
        new HashSetup<uint, ulong>(nameof(MapPrograms.HashTable),
            [(1, 100), (3, ulong.MaxValue), (5, 0), (7, 0x8000_0000_0000_0000), (15, 42)]),
        new HashSetup<PaddedKey, Counter>(nameof(MapPrograms.PaddedTable),
        [
            (new PaddedKey { Protocol = 0, Address = 1 }, new Counter { Packets = 5, Bytes = 100 }),
            (new PaddedKey { Protocol = 1, Address = 7 }, new Counter { Packets = ulong.MaxValue, Bytes = uint.MaxValue }),
        ]),
        new HashSetup<uint, uint>(nameof(MapPrograms.SmallTable), [(1, 10), (2, 20), (3, 30)]),
        new ArraySetup<long>(nameof(MapPrograms.ArrayTable), [(0, -1), (3, long.MinValue), (7, 12345)]),
        new PerCpuArraySetup<ulong>(nameof(MapPrograms.CpuCounters), [(1, 1000), (3, ulong.MaxValue - 5)]),
        new LpmSetup<Ipv4Prefix, uint>(nameof(MapPrograms.Prefixes),
        [
            (Prefix(8, 0x0000_000A), 1), (Prefix(16, 0x0000_010A), 2), (Prefix(24, 0x0002_010A), 3),
            (Prefix(32, 0x0302_010A), 4), (Prefix(16, 0x0000_A8C0), 5),
        ],
        [.. LpmAddresses.SelectMany(a => Enumerable.Range(0, 33).Select(length => Prefix((uint)length, a)))]),
        new HashSetup<FlowKey, ulong>(nameof(Parsers.Flows), [], ResetEachCase: false),
    ];

    /// <summary>
    /// Configuration values other than the initializers, for runs with patched .rodata (the loader) and a private
    /// copy of the program type with the same values (.NET): a compiler that folded a configuration field into an
    /// immediate would still see the old value. The enum-typed Host.Mode is left at its initializer: IsolatedProgram
    /// loads a private copy of the corpus whose Mode is a different type from the caller's, and it refuses a value of
    /// the caller's Mode.
    /// </summary>
    public static IReadOnlyDictionary<string, object> PatchedConfiguration { get; } = new Dictionary<string, object>
    {
        [nameof(Host.Port)] = (ushort)80,
        [nameof(Host.Shift)] = (byte)31,
        [nameof(Host.Mask)] = 0x0000_FFFFu,
        [nameof(Host.Multiplier)] = 3UL,
        [nameof(Host.Limit)] = 0L,
        [nameof(Host.Strict)] = false,
        [nameof(Loops.FoldBytes)] = 64,
    };

    /// <summary>The entry of <paramref name="program"/>.</summary>
    public static CorpusEntry Entry(string program) =>
        Entries.SingleOrDefault(e => e.Program == program) ?? throw new ArgumentException($"{program} is not in the corpus catalog", nameof(program));

    private static CorpusEntry Operands(Type owner, string program, params InputField[] fields) =>
        new(program, owner, new OperandInputs(fields), []);

    private static CorpusEntry Operands(Type owner, string program, string[] maps, params InputField[] fields) =>
        new(program, owner, new OperandInputs(fields), maps);

    private static Ipv4Prefix Prefix(uint length, uint address) => new() { PrefixLength = length, Address = address };
}
