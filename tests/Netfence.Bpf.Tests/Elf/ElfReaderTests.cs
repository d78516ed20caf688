using System.Buffers.Binary;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Elf;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Programs;
using Netfence.KernelTesting;

namespace Netfence.Bpf.Tests.Elf;

public class ElfReaderTests
{
    static CollectionSpec Counter() => BpfObjectReader.Read(ReferenceObjects.Compile("counter.c"));

    [Fact]
    public void Programs_are_found_per_function_with_types_from_their_section()
    {
        var spec = Counter();
        Assert.Equal(["classify", "passthrough", "sock_all"], spec.Programs.Keys.Order());
        Assert.Equal(ProgramType.SchedCls, spec.Programs["classify"].Type);
        Assert.Equal("tc", spec.Programs["passthrough"].SectionName);
        Assert.Equal(ProgramType.SocketFilter, spec.Programs["sock_all"].Type);
        Assert.Equal("GPL", spec.License);
        Assert.Equal("GPL", spec.Programs["classify"].License);
    }

    [Fact]
    public void A_hook_tag_names_the_hook_and_its_attach_type_where_the_section_cannot()
    {
        var spec = BpfObjectReader.Read(ReferenceObjects.Compile("hook_tags.c"));
        var tagged = spec.Programs["tagged"];
        Assert.Equal(("tc", "tcx/egress", ProgramType.SchedCls, AttachType.TcxEgress), (tagged.SectionName, tagged.Hook, tagged.Type, tagged.ExpectedAttachType));
        var untagged = spec.Programs["untagged"];
        Assert.Equal(("tc", null, (AttachType?)null), (untagged.SectionName, untagged.Hook, untagged.ExpectedAttachType));
    }

    [Fact]
    public void A_hook_tag_for_another_program_type_than_the_section_is_rejected()
    {
        var e = Assert.Throws<BpfObjectException>(() => BpfObjectReader.Read(ReferenceObjects.Compile("hook_tags.c", "-DNF_TAG_MISMATCH")));
        Assert.Contains("'tagged' is tagged for hook 'cgroup/connect4' (CgroupSockAddr programs) but lives in section 'tc' (SchedCls programs)", e.Message);
    }

    [Fact]
    public void Called_text_functions_are_appended_and_calls_point_at_them()
    {
        foreach (var name in new[] { "classify", "passthrough" })
        {
            var insns = Assert.IsAssignableFrom<IReadOnlyList<Instruction>>(Counter().Programs[name].Instructions);
            var slots = SlotStarts(insns);
            var callIndex = insns.ToList().FindIndex(i => i.OpCode == (OpCodes.ClassJmp | OpCodes.Call) && (byte)i.Src == OpCodes.PseudoCall);
            Assert.True(callIndex >= 0, $"{name} has no BPF-to-BPF call");
            var target = slots[callIndex] + (int)insns[callIndex].Constant + 1;
            // The callee (add_count) starts right after the program's own exit.
            var firstExit = insns.ToList().FindIndex(i => i.OpCode == (OpCodes.ClassJmp | OpCodes.Exit));
            Assert.Equal(slots[firstExit] + 1, target);
            // add_count references the hash map twice.
            Assert.Equal(2, insns.Skip(firstExit + 1).Count(i => i.Reference == "nf_counts"));
        }
        Assert.DoesNotContain(Counter().Programs["sock_all"].Instructions, i => i.Reference is not null);
    }

    [Fact]
    public void Map_and_data_references_become_pseudo_map_loads()
    {
        var insns = Counter().Programs["classify"].Instructions;
        var refs = insns.Where(i => i.Reference is not null).ToList();
        Assert.Contains(refs, i => i.Reference == "nf_last" && (byte)i.Src == OpCodes.PseudoMapFd);
        var spec = Counter();
        var verdict = spec.Variables["verdict"];
        var bump = spec.Variables["bump"];
        Assert.Contains(refs, i => i.Reference == ".rodata" && (byte)i.Src == OpCodes.PseudoMapValue && i.Constant >> 32 == verdict.Offset);
        Assert.Contains(refs, i => i.Reference == ".rodata" && (byte)i.Src == OpCodes.PseudoMapValue && i.Constant >> 32 == bump.Offset);
        Assert.Contains(refs, i => i.Reference == ".data");
        Assert.Contains(refs, i => i.Reference == ".bss");
    }

    [Fact]
    public void Btf_defined_maps_and_data_sections_are_described()
    {
        var spec = Counter();
        var counts = spec.Maps["nf_counts"];
        Assert.Equal(new MapSpec { Name = "nf_counts", Type = MapType.Hash, KeySize = 4, ValueSize = 8, MaxEntries = 16, PinName = "nf_counts" }, counts.Spec);
        Assert.Equal(MapPinning.ByName, counts.Pinning);
        var last = spec.Maps["nf_last"].Spec;
        Assert.Equal((MapType.Array, 4u, 8u, 4u), (last.Type, last.KeySize, last.ValueSize, last.MaxEntries));
        Assert.Equal(MapPinning.None, spec.Maps["nf_last"].Pinning);

        var rodata = spec.Maps[".rodata"];
        Assert.True(rodata.Freeze);
        Assert.Equal(MapFlags.RdonlyProg, rodata.Spec.Flags);
        Assert.Equal(8u, rodata.Spec.ValueSize);
        Assert.False(spec.Maps[".data"].Freeze);
        Assert.Equal(new byte[8], spec.Maps[".bss"].Contents);
        Assert.Equal(BitConverter.GetBytes(7u), spec.ReadVariable("seed"));
    }

    [Fact]
    public void Constants_can_be_rewritten_by_name_with_size_checks()
    {
        var spec = Counter();
        Assert.Equal(BitConverter.GetBytes(2u), spec.ReadVariable("verdict"));
        spec.RewriteConstant("verdict", 0);
        Assert.Equal(new byte[4], spec.ReadVariable("verdict"));
        Assert.Contains("does not fit", Assert.Throws<ArgumentOutOfRangeException>(() => spec.RewriteConstant("verdict", 1UL << 33)).Message);
        Assert.Contains("4 bytes", Assert.Throws<ArgumentException>(() => spec.RewriteConstant("bump", new byte[2])).Message);
        var missing = Assert.Throws<KeyNotFoundException>(() => spec.RewriteConstant("nope", 1));
        Assert.Contains("verdict", missing.Message);
    }

    [Fact]
    public void Btf_func_and_line_info_follow_the_linked_layout()
    {
        var spec = Counter();
        var p = spec.Programs["classify"];
        // One func_info for classify at 0 and one for the appended add_count.
        Assert.Equal(2, p.FuncInfo.Count);
        Assert.Equal(0u, p.FuncInfo[0].InstructionOffset);
        var slots = InstructionStream.CountSlots(p.Instructions);
        Assert.All(p.FuncInfo, f => Assert.InRange(f.InstructionOffset, 0u, (uint)slots - 1));
        Assert.Equal(0u, p.LineInfo[0].InstructionOffset);
        Assert.Contains(p.LineInfo, l => l.LineText.Contains("return verdict;") && l.FileName.EndsWith("counter.c"));
        Assert.Contains(p.LineInfo, l => l.LineText.Contains("*v += amount;"));
        // Clang leaves DATASEC sizes at 0; the reader fills them from the ELF sections.
        Assert.True(spec.Btf!.TryFind<Netfence.Bpf.Btf.BtfDatasec>(".rodata", out _, out var ds));
        Assert.Equal(8u, ds.Size);
        Assert.Equal([0u, 4u], ds.Variables.Select(v => v.Offset).Order());
    }

    static List<int> SlotStarts(IReadOnlyList<Instruction> insns)
    {
        var result = new List<int>();
        int slot = 0;
        foreach (var i in insns)
        {
            result.Add(slot);
            slot += i.Slots;
        }
        return result;
    }

    // --- Malformed input ---

    static BpfObjectException Rejects(byte[] bytes, string name = "broken.o")
    {
        var ex = Assert.Throws<BpfObjectException>(() => BpfObjectReader.Read(bytes, name));
        Assert.StartsWith(name + ": ", ex.Message);
        return ex;
    }

    [Fact]
    public void Garbage_and_empty_files_are_not_elf()
    {
        Assert.Contains("not an ELF file", Rejects([]).Message);
        Assert.Contains("not an ELF file", Rejects("hello, this is not an object file at all"u8.ToArray()).Message);
        var random = new byte[4096];
        new Random(7).NextBytes(random);
        Assert.Contains("not an ELF file", Rejects(random).Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var ex = Assert.Throws<BpfObjectException>(() => BpfObjectReader.Read("/nonexistent/nft.o"));
        Assert.Contains("/nonexistent/nft.o", ex.Message);
    }

    [Fact]
    public void Wrong_machine_wrong_class_and_wrong_type_are_explained()
    {
        var good = File.ReadAllBytes(ReferenceObjects.Compile("counter.c"));
        var x86 = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(x86.AsSpan(18), 62);
        Assert.Contains("e_machine is 62 (x86-64), expected 247 (EM_BPF)", Rejects(x86).Message);

        var exec = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(exec.AsSpan(16), 2);
        Assert.Contains("not a relocatable object", Rejects(exec).Message);

        var elf32 = (byte[])good.Clone();
        elf32[4] = 1;
        Assert.Contains("not a 64-bit", Rejects(elf32).Message);

        var bigEndian = (byte[])good.Clone();
        bigEndian[5] = 2;
        Assert.Contains("big-endian", Rejects(bigEndian).Message);
    }

    [Fact]
    public void Every_truncation_is_a_clear_error()
    {
        var good = File.ReadAllBytes(ReferenceObjects.Compile("counter.c"));
        for (int len = 0; len < good.Length; len += 7) Rejects(good[..len]);
    }

    [Fact]
    public void Corrupted_objects_fail_with_the_file_named_never_an_elfsharp_stack()
    {
        var good = File.ReadAllBytes(ReferenceObjects.Compile("counter.c"));
        var random = new Random(42);
        for (int round = 0; round < 1500; round++)
        {
            var copy = (byte[])good.Clone();
            // Corrupt past the identification bytes, so the deeper checks are exercised.
            for (int k = 0; k < 4; k++) copy[16 + random.Next(copy.Length - 16)] = (byte)random.Next(256);
            try
            {
                BpfObjectReader.Read(copy, "fuzzed.o");
            }
            catch (BpfObjectException e)
            {
                Assert.StartsWith("fuzzed.o: ", e.Message);
            }
        }
    }

    [Fact]
    public void Section_table_past_the_end_is_reported()
    {
        var good = File.ReadAllBytes(ReferenceObjects.Compile("counter.c"));
        var bad = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bad.AsSpan(40), (ulong)good.Length + 100);
        Assert.Contains("section header table", Rejects(bad).Message);
    }
}
