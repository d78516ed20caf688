namespace Netfence.Bpf.Sdk;

// The kernel's UAPI numbers the SDK's metadata refers to, named once so attribute arguments read as meaning.
internal static class KernelNumbers
{
    public const int ProgTypeSchedCls = 3;
    public const int ProgTypeCgroupSkb = 8;
    public const int ProgTypeCgroupSockAddr = 18;

    public const int AttachCgroupInetIngress = 0;
    public const int AttachCgroupInetEgress = 1;
    public const int AttachCgroupInet4Connect = 10;
    public const int AttachCgroupInet6Connect = 11;
    public const int AttachCgroupUdp4Sendmsg = 14;
    public const int AttachCgroupUdp6Sendmsg = 15;
    public const int AttachCgroupUdp4Recvmsg = 19;
    public const int AttachCgroupUdp6Recvmsg = 20;
    public const int AttachTcxIngress = 46;
    public const int AttachTcxEgress = 47;

    public const int MapHash = 1;
    public const int MapArray = 2;
    public const int MapPerCpuArray = 6;
    public const int MapLruHash = 9;
    public const int MapLpmTrie = 11;
    public const int MapRingBuf = 27;

    public const int HelperMapLookupElem = 1;
    public const int HelperMapUpdateElem = 2;
    public const int HelperMapDeleteElem = 3;
    public const int HelperKtimeGetNs = 5;
    public const int HelperGetPrandomU32 = 7;
    public const int HelperGetSmpProcessorId = 8;
    public const int HelperGetCurrentPidTgid = 14;
    public const int HelperGetCurrentCgroupId = 80;
    public const int HelperSkbAncestorCgroupId = 83;
    public const int HelperGetCurrentAncestorCgroupId = 123;
    public const int HelperKtimeGetBootNs = 125;
    public const int HelperRingbufOutput = 130;
}
