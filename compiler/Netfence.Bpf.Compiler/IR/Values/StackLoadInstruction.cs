namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A load of <see cref="Size"/> bytes from the frame (a struct field, an address-taken local). LDX zero-extends;
/// <see cref="SignExtend"/> asks for sbyte/short values to be sign-extended to 32 bits as IL's ldind.i1/i2 do.
/// </summary>
internal sealed class StackLoadInstruction(SourcePosition? position, VirtualRegister destination, StackAddress address, int size, bool signExtend)
    : IrInstruction(position, destination)
{
    public StackAddress Address { get; } = address;

    public int Size { get; } = size;

    public bool SignExtend { get; } = signExtend;

    public override string ToString() => $"{Dest}load{(SignExtend ? "s" : "")}{Size * 8} {Address}";
}
