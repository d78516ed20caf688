using Netfence.Sandbox;
using System.Runtime.InteropServices;
using Netfence.Bpf.Asm;
using Netfence.Bpf.Elf;
using Netfence.Bpf.Info;
using Netfence.Bpf.Maps;
using Netfence.Bpf.Pinning;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Info;

public partial class ObjectInfoTests
{
    [KernelFact]
    public void Program_and_map_info_report_names_types_and_map_ids()
    {
        using var pins = new PinScratch();
        using var c = CollectionLoader.Load(BpfObjectReader.Read(ReferenceObjects.Compile("counter.c")), new CollectionOptions { PinDirectory = pins.Path });

        var prog = ObjectInfo.Program(c.Programs["classify"].Fd);
        Assert.Equal("classify", prog.Name);
        Assert.Equal(ProgramType.SchedCls, prog.Type);
        Assert.Matches("^[0-9a-f]{16}$", prog.Tag);
        Assert.True(prog.XlatedSize > 0);
        Assert.True(prog.BtfId > 0, "loaded with BTF");
        Assert.True(prog.LineInfoCount > 0, "loaded with line info");

        var counts = ObjectInfo.Map(c.Maps["nf_counts"].Fd);
        Assert.Equal(("nf_counts", MapType.Hash, 4u, 8u, 16u), (counts.Name, counts.Type, counts.KeySize, counts.ValueSize, counts.MaxEntries));
        var rodata = ObjectInfo.Map(c.Maps[".rodata"].Fd);
        Assert.Equal((".rodata", MapType.Array, MapFlags.RdonlyProg), (rodata.Name, rodata.Type, rodata.Flags));

        var expectedMaps = new[] { "nf_counts", "nf_last", ".rodata", ".data", ".bss" }.Select(n => ObjectInfo.Map(c.Maps[n].Fd).Id);
        Assert.Equal(expectedMaps.Order(), prog.MapIds.Order());

        Assert.Contains(prog.Id, ObjectIds.Programs());
        Assert.Contains(counts.Id, ObjectIds.Maps());
        using var byId = ObjectIds.OpenProgram(prog.Id);
        Assert.Equal("classify", ObjectInfo.Program(byId).Name);
        using var mapById = ObjectIds.OpenMap(counts.Id);
        Assert.Equal(ObjectKind.Map, ObjectInfo.KindOf(mapById));
    }

    [KernelFact]
    public void Link_info_reports_type_and_program_and_a_pinned_link_reopens()
    {
        var cgroupRoot = File.ReadAllLines("/proc/mounts").Select(l => l.Split(' ')).First(f => f.Length > 2 && f[2] == "cgroup2")[1];
        var cgroup = Path.Combine(cgroupRoot, $"nft{Guid.NewGuid():N}"[..16]);
        Directory.CreateDirectory(cgroup);
        using var pins = new PinScratch();
        try
        {
            using var prog = BpfProgram.Load(new ProgramSpec
            {
                Name = "nft_allow", Type = ProgramType.CgroupSkb, ExpectedAttachType = AttachType.CgroupInetEgress,
                Instructions = [Instruction.Mov64(Register.R0, 1), Instruction.Exit()],
            });
            int dirFd = Open(cgroup, 0x10000 /* O_DIRECTORY */);
            Assert.True(dirFd >= 0, $"open {cgroup} failed");
            using var cgroupFd = new BpfFd(dirFd);
            var attr = new LinkCreateAttr { ProgFd = (uint)prog.Fd.Value, TargetFdOrIfindex = (uint)cgroupFd.Value, AttachType = (uint)AttachType.CgroupInetEgress };
            using var link = BpfSyscall.CallForFd(BpfCommand.LinkCreate, ref attr);

            var info = ObjectInfo.Link(link);
            Assert.Equal(LinkType.Cgroup, info.Type);
            Assert.Equal(ObjectInfo.Program(prog.Fd).Id, info.ProgramId);
            Assert.Contains(info.Id, ObjectIds.Links());
            Assert.Equal(ObjectKind.Link, ObjectInfo.KindOf(link));

            ObjectPin.Pin(link, pins["link"]);
            using var reopened = ObjectPin.OpenLink(pins["link"]);
            Assert.Equal(info.Id, ObjectInfo.Link(reopened).Id);
            using var byId = ObjectIds.OpenLink(info.Id);
            Assert.Equal(info.ProgramId, ObjectInfo.Link(byId).ProgramId);
            Assert.True(ObjectPin.Unpin(pins["link"]));
        }
        finally
        {
            // The link dies with its last fd and pin (disposed above), so the cgroup is empty again.
            Directory.Delete(cgroup);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);
}
