using System.Runtime.InteropServices;

namespace Netfence.Bpf.Syscalls.Attrs;

/// <summary><c>bpf_attr</c> for BPF_PROG_TEST_RUN, up to <c>batch_size</c> (76 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 76)]
public struct TestRunAttr
{
    [FieldOffset(0)] public uint ProgFd;
    [FieldOffset(4)] public uint Retval;
    [FieldOffset(8)] public uint DataSizeIn;
    [FieldOffset(12)] public uint DataSizeOut;
    [FieldOffset(16)] public ulong DataIn;
    [FieldOffset(24)] public ulong DataOut;
    [FieldOffset(32)] public uint Repeat;
    /// <summary>Average nanoseconds per run, as measured by the kernel.</summary>
    [FieldOffset(36)] public uint Duration;
    [FieldOffset(40)] public uint CtxSizeIn;
    [FieldOffset(44)] public uint CtxSizeOut;
    [FieldOffset(48)] public ulong CtxIn;
    [FieldOffset(56)] public ulong CtxOut;
    [FieldOffset(64)] public uint Flags;
    [FieldOffset(68)] public uint Cpu;
    [FieldOffset(72)] public uint BatchSize;
}
