using Netfence.Bpf.Btf;
using Netfence.Bpf.Disassembly;
using Netfence.Bpf.Elf;
using Netfence.KernelTesting;

namespace Netfence.Inspect.Tests;

/// <summary>Our llvm-syntax disassembly agrees with llvm-objdump, instruction for instruction, on real objects.</summary>
public class LlvmAgreementTests
{
    public static TheoryData<string, string> ReferenceSources() => new()
    {
        { "counter.c", "" },
        { "bad_access.c", "" },
        { "opcodes.c", "-mcpu=v3" },
    };

    [Theory]
    [MemberData(nameof(ReferenceSources))]
    public void Every_reference_object_disassembles_like_llvm_objdump(string source, string flags)
    {
        var path = ReferenceObjects.Compile(source, flags.Length == 0 ? [] : flags.Split(' '));
        int compared = AssertAgrees(path);
        Assert.True(compared > 0, $"{source}: no instruction was compared");
    }

    [Fact]
    public void The_opcode_reference_covers_every_family_the_normaliser_must_handle()
    {
        var spec = BpfObjectReader.Read(ReferenceObjects.Compile("opcodes.c", "-mcpu=v3"));
        var text = ProgramListing.FromSpec(spec.Programs["opcodes"]).ToText(ListingFormat.Llvm);
        foreach (var expected in new[] { "w1 += 3", "r1 += -4", "w1 = -w1", "r1 = be16 r1", "r1 = le64 r1", "if w1 > w2 goto", "if r1 s>= r2 goto",
                     "r2 = *(u8 *)(r10 - 1)", "*(u16 *)(r10 - 2) = r2", "lock *(u64 *)(r10 - 24) += r2", "atomic_fetch_and", "xchg_64", "cmpxchg_64", "r0 = *(u8 *)skb[12]" })
            Assert.Contains(expected, text);
    }

    public static TheoryData<string> BuiltObjectNames() => new(BuiltObjects.All().Select(Path.GetFileName)!);

    [Fact]
    public void The_build_put_the_compiler_samples_in_artifacts_bpf() =>
        // This project references the samples, so building it compiled them; nothing to compare would hide a break.
        Assert.Contains(BuiltObjects.SamplesObject, BuiltObjects.All().Select(Path.GetFileName));

    [Theory]
    [MemberData(nameof(BuiltObjectNames))]
    public void Every_object_the_build_put_in_artifacts_bpf_disassembles_like_llvm_objdump(string name)
    {
        var path = Path.Combine(BuiltObjects.Directory, name);
        var spec = BpfObjectReader.Read(path);
        Assert.NotEmpty(spec.Programs);
        foreach (var p in spec.Programs.Values)
        {
            var listing = ProgramListing.FromSpec(p);
            Assert.DoesNotContain("BUG_", listing.ToText(ListingFormat.Verifier));
            Assert.DoesNotContain("<unknown>", listing.ToText(ListingFormat.Llvm));
        }
        int compared = AssertAgrees(path);
        // Every instruction of every program (entry and subprograms) was compared: none was skipped unseen.
        Assert.Equal(spec.Programs.Values.Sum(p => p.Instructions.Count), compared);
    }

    /// <summary>Compares every function of every program (entry and subprograms, found through func_info) and returns the count.</summary>
    static int AssertAgrees(string path)
    {
        var spec = BpfObjectReader.Read(path);
        var objdump = ObjdumpListing.Of(path);
        int compared = 0;
        foreach (var p in spec.Programs.Values)
        {
            var listing = ProgramListing.FromSpec(p);
            var bySlot = listing.Entries.ToDictionary(e => e.Slot);
            var starts = p.FuncInfo.Count > 0
                ? p.FuncInfo.Select(f => ((int)f.InstructionOffset, ((BtfFunc)spec.Btf![f.TypeId]).Name)).ToList()
                : [(0, p.Name)];
            foreach (var (start, name) in starts)
            {
                var fn = objdump.Functions[name];
                var llvm = objdump.Sections[fn.Section];
                for (int slot = 0; slot < fn.Slots; slot++)
                {
                    if (!llvm.TryGetValue(fn.StartSlot + slot, out var theirs)) continue; // the second slot of a LD_IMM64
                    Assert.True(bySlot.TryGetValue(start + slot, out var ours), $"{path} {name}+{slot}: llvm-objdump has '{theirs.Text}', we have no instruction there");
                    var expected = ObjdumpNormaliser.Llvm(theirs, spec);
                    var actual = ObjdumpNormaliser.Ours(ours!.Instruction, LlvmSyntax.Format(ours.Instruction));
                    Assert.True(expected == actual, $"{Path.GetFileName(path)} {name}+{slot}: llvm-objdump '{theirs.Text}' -> '{expected}', ours '{actual}'");
                    compared++;
                }
            }
        }
        return compared;
    }
}
