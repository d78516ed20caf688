using Netfence.Bpf.Elf;
using Netfence.Bpf.Programs;
using Netfence.Bpf.TestRun;

namespace Netfence.Inspect;

/// <summary>--run: loads the object and runs one program on packets with BPF_PROG_TEST_RUN.</summary>
public static class PacketRunner
{
    public static RunReport Execute(InspectedInput input, string? program, IReadOnlyList<byte[]> packets, uint repeat)
    {
        var spec = input.Spec ?? throw new InspectException($"{input.Source}: --run needs an object or assembly");
        if (packets.Count == 0) throw new InspectException("--run needs a packet: --packet HEX or --pcap FILE");
        var target = Views.Select(input, program ?? input.Programs.FirstOrDefault()?.Name ?? throw new InspectException($"{input.Source}: no programs"))[0];
        using var scratch = ScratchPins.For(spec);
        try
        {
            using var collection = CollectionLoader.Load(spec, new CollectionOptions { PinDirectory = scratch.Path });
            var loaded = collection.Programs[target.Name];
            var runs = packets.Select((p, i) =>
            {
                var r = ProgramTestRun.Run(loaded, p, repeat: repeat);
                return new PacketRun(i + 1, p.Length, r.SignedReturnValue, VerdictName(target.Type, r.SignedReturnValue), r.AverageNanoseconds);
            }).ToList();
            return new RunReport(input.Source, target.Name, runs);
        }
        catch (VerifierException e)
        {
            throw new InspectException($"{input.Source}: the verifier rejected '{e.ProgramName}' (see --verify): {string.Join(" | ", e.DecisiveLines)}");
        }
    }

    /// <summary>The return value's meaning for the program's hook.</summary>
    public static string VerdictName(ProgramType type, long value) => type switch
    {
        ProgramType.SchedCls or ProgramType.SchedAct => value switch
        {
            -1 => "TC_ACT_UNSPEC/TCX_NEXT",
            0 => "TC_ACT_OK/TCX_PASS",
            1 => "TC_ACT_RECLASSIFY",
            2 => "TC_ACT_SHOT/TCX_DROP",
            3 => "TC_ACT_PIPE",
            7 => "TC_ACT_REDIRECT",
            _ => value.ToString(),
        },
        ProgramType.Xdp => value switch
        {
            0 => "XDP_ABORTED",
            1 => "XDP_DROP",
            2 => "XDP_PASS",
            3 => "XDP_TX",
            4 => "XDP_REDIRECT",
            _ => value.ToString(),
        },
        ProgramType.CgroupSkb => value switch { 0 => "drop", 1 => "allow", _ => value.ToString() },
        ProgramType.SocketFilter => value == 0 ? "drop" : $"keep {value} bytes",
        _ => value.ToString(),
    };

    /// <summary>Parses --packet: hex digits, optionally separated by spaces, colons or dashes.</summary>
    public static byte[] ParseHex(string hex)
    {
        var digits = new string(hex.Where(c => !char.IsWhiteSpace(c) && c is not (':' or '-')).ToArray());
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) digits = digits[2..];
        try
        {
            return Convert.FromHexString(digits);
        }
        catch (FormatException)
        {
            throw new InspectException($"--packet: '{hex}' is not an even number of hex digits");
        }
    }

    public static void Write(Output o, RunReport r)
    {
        o.Line($"program {r.Program}", "bold");
        foreach (var p in r.Runs)
            o.Line($"  packet {p.Packet} ({p.Length} bytes): verdict {p.ReturnValue} ({p.Verdict}) in {p.DurationNanoseconds} ns");
    }
}
