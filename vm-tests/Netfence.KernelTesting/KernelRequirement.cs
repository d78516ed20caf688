using System.Runtime.InteropServices;

namespace Netfence.KernelTesting;

/// <summary>
/// Decides whether real-kernel tests can run. Outside root they skip with a one-line reason;
/// with NETFENCE_REQUIRE_KERNEL=1 (CI) they never skip, so a missing privilege is a failure.
/// </summary>
public static partial class KernelRequirement
{
    public const string RequireVariable = "NETFENCE_REQUIRE_KERNEL";

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    public static bool IsRoot => GetEuid() == 0;

    /// <summary>True when the environment demands that kernel tests run (CI).</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Why kernel tests cannot run here, or null when they can (or must).</summary>
    public static string? SkipReason()
    {
        if (IsRoot || Required) return null;
        return $"needs root for bpf(), namespaces and cgroups (set {RequireVariable}=1 to make this a failure)";
    }

    /// <summary>Throws with a clear message when kernel tests were required but cannot work.</summary>
    public static void Ensure()
    {
        if (!IsRoot)
            throw new InvalidOperationException($"{RequireVariable}=1 but the tests are not running as root: real-kernel tests cannot run");
    }
}
