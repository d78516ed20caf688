using Netfence.Bpf.Elf;
using Netfence.Bpf.Info;
using Netfence.KernelTesting;
using Netfence.Programs.Layout;
using Xunit.Abstractions;

namespace Netfence.Datapath.KernelTests;

/// <summary>The compiled C# object passes the verifier as a whole, against the shared maps, as the daemon loads it.</summary>
public sealed class LoadTests(ITestOutputHelper output)
{
    private static readonly string[] Expected =
        [ProgramNames.TcIngress, ProgramNames.Connect4, ProgramNames.Connect6, ProgramNames.Sendmsg4, ProgramNames.Sendmsg6, ProgramNames.CgroupSkbEgress];

    [KernelFact]
    public void Every_program_of_the_compiled_object_passes_the_verifier_and_uses_only_the_shared_maps()
    {
        var spec = BpfObjectReader.Read(DatapathPrograms.CompiledObject(), DatapathPrograms.CompiledObjectName);
        Assert.Equal(Expected.Order(), spec.Programs.Keys.Order());
        using var pins = new PinScratch();
        using var maps = SharedMaps.OpenOrCreate(pins.Path);
        using var programs = DatapathPrograms.Load(maps);
        using var reference = DatapathPrograms.Load(DatapathFixture.ReferencePath, maps);

        var shared = new[] { maps.Attachments.Raw.Fd, maps.Rules4.Raw.Fd, maps.Rules6.Raw.Fd, maps.DnsEndpoints.Raw.Fd, maps.Counters.Raw.Fd }
            .Select(fd => ObjectInfo.Map(fd).Id).ToHashSet();
        var referenceSpec = BpfObjectReader.Read(DatapathFixture.ReferencePath);
        output.WriteLine("program          C# insns  clang insns  ratio  C# verified  clang verified");
        foreach (var name in Expected)
        {
            var info = ObjectInfo.Program(programs[name].Fd);
            var referenceInfo = ObjectInfo.Program(reference[name].Fd);
            // Every map the program uses is one of the pinned shared maps (plus .rodata for the fixed attachment).
            var own = info.MapIds.Where(id => !shared.Contains(id)).Select(MapName).ToList();
            Assert.True(own.All(n => n.EndsWith(".rodata", StringComparison.Ordinal)), $"{name} uses maps of its own: {string.Join(", ", own)}");
            Assert.True(info.MapIds.Count(shared.Contains) >= 2, $"{name} uses {info.MapIds.Count(shared.Contains)} shared maps");
            int ours = spec.Programs[name].Instructions.Sum(i => i.Slots);
            // The loader links each program with the subprograms it calls, so both counts are what the kernel loads.
            int clang = referenceSpec.Programs[name].Instructions.Sum(i => i.Slots);
            output.WriteLine($"{name,-16} {ours,8}  {clang,11}  {(double)ours / clang,5:F2}  {info.VerifiedInstructions,11}  {referenceInfo.VerifiedInstructions,14}");
        }
    }

    private static string MapName(uint id)
    {
        using var fd = ObjectIds.OpenMap(id);
        return ObjectInfo.Map(fd).Name;
    }
}
