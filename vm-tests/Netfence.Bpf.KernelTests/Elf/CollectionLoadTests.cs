using Netfence.Bpf.Elf;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.TestRun;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Elf;

public class CollectionLoadTests
{
    static readonly byte[] Packet = new byte[64];

    static ulong ReadU64(BpfMap map, uint key)
    {
        var value = new byte[map.Spec.ValueSize];
        Assert.True(map.TryLookup(BitConverter.GetBytes(key), value), $"{map} has no key {key}");
        return BitConverter.ToUInt64(value, 0);
    }

    [KernelFact]
    public void The_clang_object_loads_runs_and_obeys_a_rewritten_rodata_constant()
    {
        var objectPath = ReferenceObjects.Compile("counter.c");
        using var pins = new PinScratch();
        var options = new CollectionOptions { PinDirectory = pins.Path };

        using (var first = CollectionLoader.Load(BpfObjectReader.Read(objectPath), options))
        {
            Assert.Equal([pins["nf_counts"]], first.CreatedPins);
            var result = ProgramTestRun.Run(first.Programs["classify"], Packet);
            Assert.Equal(2u, result.ReturnValue);                        // verdict from .rodata
            Assert.Equal(1ul, ReadU64(first.Maps["nf_counts"], 7));      // key from .data, amount from .rodata
            Assert.Equal(1ul, ReadU64(first.Maps[".bss"], 0));           // runs++
            Assert.Equal(64ul, ReadU64(first.Maps["nf_last"], 0));       // skb->len
            Assert.Equal(0u, ProgramTestRun.Run(first.Programs["passthrough"], Packet).ReturnValue);
            Assert.Equal(1ul, ReadU64(first.Maps["nf_counts"], 99));
        }

        var rewritten = BpfObjectReader.Read(objectPath);
        rewritten.RewriteConstant("verdict", 0);
        rewritten.RewriteConstant("bump", 5);
        using var second = CollectionLoader.Load(rewritten, options);
        // The by-name pin was found and reused: its count carries over.
        Assert.Empty(second.CreatedPins);
        Assert.Equal(0u, ProgramTestRun.Run(second.Programs["classify"], Packet).ReturnValue);
        Assert.Equal(6ul, ReadU64(second.Maps["nf_counts"], 7));
    }

    [KernelFact]
    public void Rodata_is_frozen_after_its_contents_are_written()
    {
        var spec = BpfObjectReader.Read(ReferenceObjects.Compile("counter.c"));
        spec.RewriteConstant("verdict", 9);
        using var pins = new PinScratch();
        using var c = CollectionLoader.Load(spec, new CollectionOptions { PinDirectory = pins.Path });
        var rodata = c.Maps[".rodata"];
        var value = new byte[8];
        Assert.True(rodata.TryLookup(new byte[4], value));
        Assert.Equal(9u, BitConverter.ToUInt32(value, spec.Variables["verdict"].Offset));
        var ex = Assert.Throws<Netfence.Bpf.Maps.MapFrozenException>(() => rodata.Update(new byte[4], new byte[8]));
        Assert.Equal(Errno.EPERM, ex.Errno);
        // .data stays writable from user space.
        c.Maps[".data"].Update(new byte[4], BitConverter.GetBytes(11u));
    }

    [KernelFact]
    public void An_incompatible_pin_is_refused_and_the_load_leaves_nothing_behind()
    {
        using var pins = new PinScratch();
        using (var wrong = BpfMap.Create(new MapSpec { Name = "nf_counts", Type = MapType.Hash, KeySize = 4, ValueSize = 4, MaxEntries = 16 }))
            Netfence.Bpf.Pinning.ObjectPin.Pin(wrong, pins["nf_counts"]);

        var spec = BpfObjectReader.Read(ReferenceObjects.Compile("counter.c"));
        var ex = Assert.Throws<InvalidOperationException>(() => CollectionLoader.Load(spec, new CollectionOptions { PinDirectory = pins.Path }));
        Assert.Contains("value size 4 vs 8", ex.Message);
        Assert.Equal([pins["nf_counts"]], Directory.GetFileSystemEntries(pins.Path));
    }

    [KernelFact]
    public void Pinned_maps_need_a_pin_directory()
    {
        var spec = BpfObjectReader.Read(ReferenceObjects.Compile("counter.c"));
        var ex = Assert.Throws<ArgumentException>(() => CollectionLoader.Load(spec));
        Assert.Contains("nf_counts", ex.Message);
        Assert.Contains("PinDirectory", ex.Message);
    }

    [KernelFact]
    public void A_rejected_program_shows_the_c_source_line_in_the_verifier_log()
    {
        var spec = BpfObjectReader.Read(ReferenceObjects.Compile("bad_access.c"));
        var ex = Assert.Throws<VerifierException>(() => CollectionLoader.Load(spec));
        Assert.Contains("netfence: unchecked map value", ex.Log);
        Assert.Contains("bad_access.c", ex.Log);
        Assert.Contains("invalid mem access", ex.Log);
    }
}
