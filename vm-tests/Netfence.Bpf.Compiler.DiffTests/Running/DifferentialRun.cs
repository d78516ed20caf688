using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Netfence.Bpf.Compiler.DiffTests.Corpus;
using Netfence.Bpf.Compiler.DiffTests.MapState;
using Netfence.Bpf.Elf;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Sdk;
using SdkMap = Netfence.Bpf.Sdk.BpfMap;

namespace Netfence.Bpf.Compiler.DiffTests.Running;

/// <summary>
/// Runs one corpus program on every generated input in the kernel and in .NET, with the maps it uses seeded the same
/// way on both sides before each case and compared after it. The program is loaded once; each case costs one test
/// run plus the map resets and reads.
/// </summary>
public static partial class DifferentialRun
{
    /// <summary>Runs <paramref name="entry"/> against its kernel twin in <paramref name="collection"/>.</summary>
    public static ProgramReport Run(CorpusEntry entry, Collection collection, int seed)
    {
        var stopwatch = Stopwatch.StartNew();
        var runtime = new DeterministicBpfRuntime
        {
            Cpus = PossibleCpus.Count,
            ClockStepNs = 1,
            ProcessId = (uint)Environment.ProcessId,
        };
        using var scope = BpfRuntime.Use(runtime);

        if (!collection.Programs.TryGetValue(entry.Program, out var program))
            throw new InvalidOperationException($"the compiled object has no program {entry.Program} (it has {string.Join(", ", collection.Programs.Keys.Order())})");
        var kernel = new KernelSide(program);
        var managed = new ManagedSide(entry.Owner, entry.Program);
        var pairs = MapPairs(entry.Owner, collection, runtime);
        foreach (var pair in pairs)
            pair.Reset();
        var used = pairs.Where(p => entry.Maps.Contains(p.Name)).ToList();
        if (used.Count != entry.Maps.Count)
            throw new InvalidOperationException($"{entry.Program} lists maps {string.Join(", ", entry.Maps)} but {entry.Owner.Name} declares {string.Join(", ", pairs.Select(p => p.Name))}");

        var inputs = entry.Inputs.Generate(DiffSeed.For(entry.Program, seed));
        var mismatches = new List<Mismatch>();
        var count = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            foreach (var pair in used.Where(p => p.ResetEachCase))
                pair.Reset();
            // bpf_get_current_pid_tgid answers for the thread that issues the test run: this one.
            runtime.ThreadId = (uint)GetTid();
            var kernelOutcome = kernel.Run(inputs[i]);
            var managedOutcome = managed.Run(inputs[i]);
            var mapDifference = Join(used.Select(p => p.Difference()));
            if (kernelOutcome.SameAs(managedOutcome) && mapDifference is null)
                continue;

            count++;
            if (mismatches.Count < ProgramReport.Kept)
                mismatches.Add(new Mismatch(i, inputs[i], kernelOutcome, managedOutcome, mapDifference));
            // Start the next case from equal state again, so one difference is not reported over and over.
            foreach (var pair in used)
                pair.Reset();
        }

        // Maps the program is not meant to touch must be untouched on both sides.
        var untouched = Join(pairs.Except(used).Select(p => p.Difference()));
        if (untouched is not null)
        {
            count++;
            mismatches.Add(new Mismatch(-1, [], kernel.Run(inputs[0]), managed.Run(inputs[0]), "after all cases: " + untouched));
        }
        return new ProgramReport(entry.Program, seed, inputs.Count, count, mismatches, stopwatch.Elapsed);
    }

    // Every map field of the program's type, bound to the kernel map of the same name.
    private static List<IMapPair> MapPairs(Type owner, Collection collection, DeterministicBpfRuntime runtime)
    {
        var pairs = new List<IMapPair>();
        foreach (var field in owner.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
        {
            if (!typeof(SdkMap).IsAssignableFrom(field.FieldType))
                continue;
            var setup = CorpusCatalog.Maps.SingleOrDefault(m => m.Field == field.Name)
                        ?? throw new InvalidOperationException($"map {owner.Name}.{field.Name} has no seed in {nameof(CorpusCatalog)}.{nameof(CorpusCatalog.Maps)}");
            if (!collection.Maps.TryGetValue(field.Name, out var kernelMap))
                throw new InvalidOperationException($"the compiled object has no map {field.Name} (it has {string.Join(", ", collection.Maps.Keys.Order())})");
            pairs.Add(setup.Pair(field.GetValue(null)!, kernelMap, runtime));
        }
        return pairs;
    }

    private static string? Join(IEnumerable<string?> differences)
    {
        var present = differences.Where(d => d is not null).ToList();
        return present.Count == 0 ? null : string.Join(Environment.NewLine, present);
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}
