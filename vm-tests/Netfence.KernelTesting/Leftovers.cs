using Netfence.Sandbox;
using Xunit;
using Netfence.Bpf.Programs;
using Netfence.Bpf.Syscalls;
using Netfence.Bpf.Info;

namespace Netfence.KernelTesting;

/// <summary>
/// Assertions that a test left nothing of ours behind: no namespace, cgroup, pin, qdisc, and no
/// link or filter still holding a program (a released program id disappears from the kernel).
/// </summary>
public static class Leftovers
{
    static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>The kernel's id for a loaded program.</summary>
    public static uint ProgramId(BpfProgram program) => ObjectInfo.Program(program.Fd).Id;

    /// <summary>True while a program with this id is alive in the kernel.</summary>
    public static bool ProgramAlive(uint id)
    {
        try
        {
            ObjectIds.OpenProgram(id).Dispose();
            return true;
        }
        catch (BpfException e) when (e.Errno == Errno.ENOENT)
        {
            return false;
        }
    }

    /// <summary>
    /// After the test's own program fd is closed: nothing (link, filter, pin) holds the program
    /// any more. The kernel frees programs asynchronously, so this polls.
    /// </summary>
    public static void AssertProgramReleased(uint id)
        => Deadline.Require(() => !ProgramAlive(id), Grace, $"program id {id} to be released (a link, filter or pin still holds it)");

    public static void AssertNamespaceGone(string name)
        => Assert.False(SandboxNamespace.Exists(name), $"network namespace {name} was left behind");

    public static void AssertCgroupGone(string path)
        => Assert.False(Directory.Exists(path), $"cgroup {path} was left behind");

    public static void AssertPinGone(string path)
        => Assert.False(File.Exists(path), $"pin {path} was left behind");

    /// <summary>The qdiscs <c>tc</c> reports on a device in a namespace (kinds only).</summary>
    public static IReadOnlyList<string> QdiscKinds(SandboxNamespace ns, string device)
        => ns.Run("tc", "qdisc", "show", "dev", device).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[1]).ToList();

    /// <summary>The filter lines <c>tc</c> reports on a device's clsact hook.</summary>
    public static IReadOnlyList<string> Filters(SandboxNamespace ns, string device, string hook)
        => ns.Exec("tc", "filter", "show", "dev", device, hook).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static void AssertNoClsact(SandboxNamespace ns, string device)
        => Assert.DoesNotContain("clsact", QdiscKinds(ns, device));
}
