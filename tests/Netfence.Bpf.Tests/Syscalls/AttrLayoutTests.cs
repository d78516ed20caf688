using System.Runtime.InteropServices;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Syscalls.Attrs;

namespace Netfence.Bpf.Tests.Syscalls;

/// <summary>
/// Every bpf_attr struct against the offsets in docs/kernel-abi.md: a wrong offset sends the
/// kernel garbage, and a wrong size makes it reject the call (E2BIG) or read past our struct.
/// </summary>
public class AttrLayoutTests
{
    public static TheoryData<Type, int, string[]> Layouts => new()
    {
        { typeof(MapCreateAttr), 72, ["MapType:0", "KeySize:4", "ValueSize:8", "MaxEntries:12", "MapFlags:16", "InnerMapFd:20", "NumaNode:24", "MapName:28", "MapIfindex:44", "BtfFd:48", "BtfKeyTypeId:52", "BtfValueTypeId:56", "BtfVmlinuxValueTypeId:60", "MapExtra:64"] },
        { typeof(MapElemAttr), 32, ["MapFd:0", "Key:8", "ValueOrNextKey:16", "Flags:24"] },
        { typeof(MapBatchAttr), 56, ["InBatch:0", "OutBatch:8", "Keys:16", "Values:24", "Count:32", "MapFd:36", "ElemFlags:40", "Flags:48"] },
        { typeof(ProgLoadAttr), 144, ["ProgType:0", "InsnCnt:4", "Insns:8", "License:16", "LogLevel:24", "LogSize:28", "LogBuf:32", "KernVersion:40", "ProgFlags:44", "ProgName:48", "ProgIfindex:64", "ExpectedAttachType:68", "ProgBtfFd:72", "FuncInfoRecSize:76", "FuncInfo:80", "FuncInfoCnt:88", "LineInfoRecSize:92", "LineInfo:96", "LineInfoCnt:104", "AttachBtfId:108", "AttachProgFd:112", "CoreReloCnt:116", "FdArray:120", "CoreRelos:128", "CoreReloRecSize:136", "LogTrueSize:140"] },
        { typeof(LinkCreateAttr), 32, ["ProgFd:0", "TargetFdOrIfindex:4", "AttachType:8", "Flags:12", "Relative:16", "ExpectedRevision:24"] },
        { typeof(ProgAttachAttr), 20, ["TargetFd:0", "AttachBpfFd:4", "AttachType:8", "AttachFlags:12", "ReplaceBpfFd:16"] },
        { typeof(ObjPinAttr), 16, ["Pathname:0", "BpfFd:8", "FileFlags:12"] },
        { typeof(TestRunAttr), 76, ["ProgFd:0", "Retval:4", "DataSizeIn:8", "DataSizeOut:12", "DataIn:16", "DataOut:24", "Repeat:32", "Duration:36", "CtxSizeIn:40", "CtxSizeOut:44", "CtxIn:48", "CtxOut:56", "Flags:64", "Cpu:68", "BatchSize:72"] },
        { typeof(BtfLoadAttr), 32, ["Btf:0", "BtfLogBuf:8", "BtfSize:16", "BtfLogSize:20", "BtfLogLevel:24", "BtfLogTrueSize:28"] },
        // Layouts from the UAPI header that kernel-abi.md does not list.
        { typeof(FdOnlyAttr), 4, ["Fd:0"] },
        { typeof(IdAttr), 12, ["Id:0", "NextId:4", "OpenFlags:8"] },
        { typeof(ObjInfoAttr), 16, ["BpfFd:0", "InfoLen:4", "Info:8"] },
        { typeof(ProgQueryAttr), 64, ["TargetFdOrIfindex:0", "AttachType:4", "QueryFlags:8", "AttachFlags:12", "ProgIds:16", "Count:24", "ProgAttachFlags:32", "LinkIds:40", "LinkAttachFlags:48", "Revision:56"] },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Attr_struct_has_the_kernel_size_and_offsets(Type attr, int size, string[] offsets)
    {
        Assert.Equal(size, SizeOf(attr));
        Assert.Equal(size, Marshal.SizeOf(attr));
        foreach (var entry in offsets)
        {
            var (field, offset) = (entry.Split(':')[0], int.Parse(entry.Split(':')[1]));
            Assert.True(attr.GetField(field) is not null, $"{attr.Name} has no field {field}");
            Assert.Equal((nint)offset, Marshal.OffsetOf(attr, field));
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Every_field_is_checked(Type attr, int size, string[] offsets)
    {
        // A field added to a struct without a layout assertion here fails this test.
        _ = size;
        var listed = offsets.Select(o => o.Split(':')[0]).ToHashSet();
        var fields = attr.GetFields().Select(f => f.Name).ToHashSet();
        Assert.Equal(fields.Order(), listed.Order());
    }

    [Fact]
    public void Every_attr_struct_in_the_namespace_is_covered()
    {
        var covered = Layouts.Select(row => (Type)row[0]).ToHashSet();
        var all = typeof(MapCreateAttr).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(MapCreateAttr).Namespace && t.IsValueType && t.Name.EndsWith("Attr", StringComparison.Ordinal));
        Assert.All(all, t => Assert.Contains(t, covered));
    }

    [Fact]
    public void Name_fields_are_sixteen_bytes()
    {
        Assert.Equal(44 - 28, Marshal.OffsetOf<MapCreateAttr>(nameof(MapCreateAttr.MapIfindex)) - Marshal.OffsetOf<MapCreateAttr>("MapName"));
        Assert.Equal(64 - 48, Marshal.OffsetOf<ProgLoadAttr>(nameof(ProgLoadAttr.ProgIfindex)) - Marshal.OffsetOf<ProgLoadAttr>("ProgName"));
    }

    static int SizeOf(Type attr) =>
        (int)typeof(BpfSyscall).GetMethod(nameof(BpfSyscall.SizeOf))!.MakeGenericMethod(attr).Invoke(null, null)!;
}
