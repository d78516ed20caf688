namespace Netfence.Bpf.Compiler.IR;

/// <summary>
/// A mutable IR variable. The frontend does not build SSA: IL locals and block-boundary stack slots are assigned more
/// than once, so analyses work on definitions and uses, and the allocator gives each register one location.
/// </summary>
internal sealed class VirtualRegister(int id, Width width, string name)
{
    public int Id { get; } = id;

    public Width Width { get; } = width;

    /// <summary>What the register holds, for dumps ("loc2", "arg0", "t17").</summary>
    public string Name { get; } = name;

    public override string ToString() => $"%{Id}.{Name}";
}
