using Netfence.Bpf.Elf;
using Netfence.KernelTesting;
using Netfence.Sandbox;

namespace Netfence.Bpf.Compiler.KernelTests;

/// <summary>
/// Our ELF and BTF are standard: every object the build wrote to artifacts/bpf loads with
/// <c>bpftool prog loadall</c> (the machine's bpftool, libbpf 1.1 on Debian bookworm) and with our own loader.
/// </summary>
public class InteropTests
{
    public static TheoryData<string> BuiltObjectNames() => new(BuiltObjects.All().Select(Path.GetFileName)!);

    [KernelFact]
    public void The_build_put_the_compiler_samples_in_artifacts_bpf() =>
        // This project references the samples, so building it compiled them; an empty set would prove nothing.
        Assert.Contains(BuiltObjects.SamplesObject, BuiltObjects.All().Select(Path.GetFileName));

    [KernelTheory]
    [MemberData(nameof(BuiltObjectNames))]
    public void Bpftool_prog_loadall_loads_and_pins_every_program(string name)
    {
        var path = Path.Combine(BuiltObjects.Directory, name);
        var spec = BpfObjectReader.Read(path);
        Assert.NotEmpty(spec.Programs);

        // bpftool runs in a private mount namespace on a bpffs of its own: libbpf pins LIBBPF_PIN_BY_NAME maps at
        // /sys/fs/bpf/<name> (bpftool cannot move them, and its pinmaps option refuses maps that already have a pin
        // path), and a private instance keeps those and the program pins off the host's bpffs; it is released when
        // the namespace's last process exits, whatever the outcome.
        const string script = """
            set -e
            mount -t bpf nft-interop /sys/fs/bpf
            mkdir /sys/fs/bpf/nft-progs
            bpftool prog loadall "$1" /sys/fs/bpf/nft-progs
            echo '--- programs'
            ls -1 /sys/fs/bpf/nft-progs
            echo '--- root'
            ls -1 /sys/fs/bpf
            """;
        var result = Command.Try("unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, "sh", path);
        Assert.True(result.ExitCode == 0, $"bpftool prog loadall {name} failed ({result.ExitCode}):\n{result.StdErr}\n{result.StdOut}");

        var sections = result.StdOut.Split("--- root");
        var pinned = Lines(sections[0].Replace("--- programs", "")).Where(n => n is not ("maps.debug" or "progs.debug")).ToHashSet();
        Assert.Equal(spec.Programs.Keys.Order(StringComparer.Ordinal), pinned.Order(StringComparer.Ordinal));

        // libbpf understood the pinning attribute of our .maps definitions: each pinned-by-name map is where it puts them.
        var root = Lines(sections[1]).ToHashSet();
        foreach (var map in spec.Maps.Values.Where(m => m.Pinning == MapPinning.ByName))
            Assert.Contains(map.Name, root);
    }

    [KernelTheory]
    [MemberData(nameof(BuiltObjectNames))]
    public void Our_loader_loads_every_program(string name)
    {
        var spec = BpfObjectReader.Read(Path.Combine(BuiltObjects.Directory, name));
        using var pins = new PinScratch();
        using var collection = CollectionLoader.Load(spec, new CollectionOptions { PinDirectory = pins.Path });
        Assert.Equal(spec.Programs.Keys.Order(StringComparer.Ordinal), collection.Programs.Keys.Order(StringComparer.Ordinal));
    }

    static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
