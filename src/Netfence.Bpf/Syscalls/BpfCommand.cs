namespace Netfence.Bpf.Syscalls;

/// <summary>The <c>cmd</c> argument of <c>bpf(2)</c>, numbered as in the kernel's UAPI header.</summary>
public enum BpfCommand
{
    MapCreate = 0,
    MapLookupElem = 1,
    MapUpdateElem = 2,
    MapDeleteElem = 3,
    MapGetNextKey = 4,
    ProgLoad = 5,
    ObjPin = 6,
    ObjGet = 7,
    ProgAttach = 8,
    ProgDetach = 9,
    ProgTestRun = 10,
    ProgGetNextId = 11,
    MapGetNextId = 12,
    ProgGetFdById = 13,
    MapGetFdById = 14,
    ObjGetInfoByFd = 15,
    ProgQuery = 16,
    BtfLoad = 18,
    BtfGetFdById = 19,
    MapLookupAndDeleteElem = 21,
    MapFreeze = 22,
    MapLookupBatch = 24,
    MapUpdateBatch = 26,
    MapDeleteBatch = 27,
    LinkCreate = 28,
    LinkUpdate = 29,
    LinkGetFdById = 30,
    LinkGetNextId = 31,
    LinkDetach = 34,
}

/// <summary>Kernel names for the commands, used in error messages so they match kernel docs.</summary>
public static class BpfCommandNames
{
    public static string Name(this BpfCommand cmd) => cmd switch
    {
        BpfCommand.MapCreate => "BPF_MAP_CREATE",
        BpfCommand.MapLookupElem => "BPF_MAP_LOOKUP_ELEM",
        BpfCommand.MapUpdateElem => "BPF_MAP_UPDATE_ELEM",
        BpfCommand.MapDeleteElem => "BPF_MAP_DELETE_ELEM",
        BpfCommand.MapGetNextKey => "BPF_MAP_GET_NEXT_KEY",
        BpfCommand.ProgLoad => "BPF_PROG_LOAD",
        BpfCommand.ObjPin => "BPF_OBJ_PIN",
        BpfCommand.ObjGet => "BPF_OBJ_GET",
        BpfCommand.ProgAttach => "BPF_PROG_ATTACH",
        BpfCommand.ProgDetach => "BPF_PROG_DETACH",
        BpfCommand.ProgTestRun => "BPF_PROG_TEST_RUN",
        BpfCommand.ProgGetNextId => "BPF_PROG_GET_NEXT_ID",
        BpfCommand.MapGetNextId => "BPF_MAP_GET_NEXT_ID",
        BpfCommand.ProgGetFdById => "BPF_PROG_GET_FD_BY_ID",
        BpfCommand.MapGetFdById => "BPF_MAP_GET_FD_BY_ID",
        BpfCommand.ObjGetInfoByFd => "BPF_OBJ_GET_INFO_BY_FD",
        BpfCommand.ProgQuery => "BPF_PROG_QUERY",
        BpfCommand.BtfLoad => "BPF_BTF_LOAD",
        BpfCommand.BtfGetFdById => "BPF_BTF_GET_FD_BY_ID",
        BpfCommand.MapLookupAndDeleteElem => "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
        BpfCommand.MapFreeze => "BPF_MAP_FREEZE",
        BpfCommand.MapLookupBatch => "BPF_MAP_LOOKUP_BATCH",
        BpfCommand.MapUpdateBatch => "BPF_MAP_UPDATE_BATCH",
        BpfCommand.MapDeleteBatch => "BPF_MAP_DELETE_BATCH",
        BpfCommand.LinkCreate => "BPF_LINK_CREATE",
        BpfCommand.LinkUpdate => "BPF_LINK_UPDATE",
        BpfCommand.LinkGetFdById => "BPF_LINK_GET_FD_BY_ID",
        BpfCommand.LinkGetNextId => "BPF_LINK_GET_NEXT_ID",
        BpfCommand.LinkDetach => "BPF_LINK_DETACH",
        _ => $"BPF_CMD_{(int)cmd}",
    };
}
