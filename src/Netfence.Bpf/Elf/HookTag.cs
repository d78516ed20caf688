using Netfence.Bpf.Btf;

namespace Netfence.Bpf.Elf;

/// <summary>
/// The hook a program was written for, recorded in standard BTF as a declaration tag
/// <c>netfence.hook=NAME</c> on the program's FUNC (component -1). The section name alone cannot say it: a TCX
/// ingress program lives in section <c>tc</c> so that libbpf before 1.3 (which knows no <c>tcx/*</c>) loads it.
/// NAME is the hook's section name in libbpf's newest spelling (<c>tcx/ingress</c>, <c>tc/egress</c>,
/// <c>cgroup/connect4</c>), so <see cref="ProgramSections"/> resolves it. Decl tags are understood by libbpf and
/// by kernels since 5.16, which keep them with the program's BTF.
/// </summary>
public static class HookTag
{
    /// <summary>What every hook tag starts with.</summary>
    public const string Prefix = "netfence.hook=";

    /// <summary>The tag text for <paramref name="hook"/>.</summary>
    public static string Format(string hook)
    {
        ArgumentException.ThrowIfNullOrEmpty(hook);
        return Prefix + hook;
    }

    /// <summary>
    /// The distinct hooks tagged on the global FUNC named <paramref name="function"/>: none for an object from clang or
    /// an older compiler, one for ours. The caller decides what more than one means (an error, never a guess).
    /// </summary>
    public static IReadOnlyList<string> Read(BtfSpec btf, string function)
    {
        ArgumentNullException.ThrowIfNull(btf);
        var funcs = new HashSet<uint>();
        for (uint id = 1; id <= btf.Types.Count; id++)
            if (btf[id] is BtfFunc f && f.Name == function) funcs.Add(id);
        return btf.Types.OfType<BtfDeclTag>()
            .Where(t => t.ComponentIndex == -1 && funcs.Contains(t.Type) && t.Name.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(t => t.Name[Prefix.Length..]).Distinct(StringComparer.Ordinal).ToList();
    }
}
