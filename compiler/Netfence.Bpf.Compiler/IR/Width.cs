namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// The width of an IR scalar. IL's int32 stack type maps to <see cref="W32"/> and is computed with ALU32 (the kernel
/// zero-extends the upper half, so a 32-bit value always sits zero-extended in its 64-bit register); int64 and
/// native int map to <see cref="W64"/>.
/// </summary>
internal enum Width
{
    W32,
    W64,
}
