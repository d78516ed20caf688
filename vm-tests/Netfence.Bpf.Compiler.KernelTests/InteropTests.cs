using Netfence.Bpf.Elf;
using Netfence.Bpf.Pinning;
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
    public void The_build_put_the_compiler_samples_in_artifacts_bpf()
    {
        // This project references both sample projects, so building it compiled them; an empty set would prove nothing.
        var names = BuiltObjects.All().Select(Path.GetFileName).ToList();
        Assert.Contains(BuiltObjects.SamplesObject, names);
        Assert.Contains(InteropSamples, names);
    }

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

    [KernelFact]
    public void Maps_are_created_with_their_key_and_value_types_so_bpftool_dumps_them_field_by_field()
    {
        var spec = BpfObjectReader.Read(Path.Combine(BuiltObjects.Directory, InteropSamples));
        Assert.Equal(["Events", "Flows", "Prefixes", "Protocols", "Recent", "Totals"], spec.Maps.Keys.Order(StringComparer.Ordinal));
        using var pins = new PinScratch();
        using var collection = CollectionLoader.Load(spec, new CollectionOptions { PinDirectory = pins.Path });

        // FlowKey { uint Address; ushort Port; Transport Protocol } and FlowStats { ulong Packets; FlowKey Last }.
        byte[] key = [10, 0, 0, 1, 53, 0, 17, 0];
        byte[] value = [3, 0, 0, 0, 0, 0, 0, 0, .. key];
        collection.Maps["Flows"].Update(key, value);
        ObjectPin.Pin(collection.Maps["Flows"], pins["Flows"]);
        var flows = Dump(pins["Flows"]);
        Assert.Contains("\"Address\":16777226", flows); // 10.0.0.1 read as a little-endian u32
        Assert.Contains("\"Port\":53", flows);
        Assert.Contains("\"Protocol\":17", flows);
        Assert.Contains("\"Packets\":3", flows);

        // An LPM trie key is a struct with the fixed buffer as an array; the by-name pin is where the object asked.
        collection.Maps["Prefixes"].Update([8, 0, 0, 0, 0xfd, .. new byte[15]], [1, 0, 0, 0]);
        ObjectPin.Pin(collection.Maps["Prefixes"], pins["Prefixes"]);
        Assert.Contains("\"PrefixLength\":8", Dump(pins["Prefixes"]));
        Assert.Contains("\"Address\":[253,0,", Dump(pins["Prefixes"]));
        Assert.Equal("[]", Dump(pins["Protocols"]));
    }

    const string InteropSamples = "Netfence.Bpf.Compiler.InteropSamples.o";

    /// <summary><c>bpftool -j map dump</c>: with BTF each entry has a "formatted" key and value, without it only bytes.</summary>
    static string Dump(string pin)
    {
        var json = Command.Run("bpftool", "-j", "map", "dump", "pinned", pin).Trim();
        if (json != "[]") Assert.Contains("\"formatted\"", json);
        return json;
    }

    static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
