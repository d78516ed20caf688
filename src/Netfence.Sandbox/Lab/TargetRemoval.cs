using System.Runtime.Versioning;

namespace Netfence.Sandbox.Lab;

/// <summary>
/// Makes a workload's attach target vanish under a running netfenced, as an orchestrator tearing a workload down
/// would: the cgroup is emptied and removed, the VM's tap (the host end of its veth) is deleted.
/// </summary>
[SupportedOSPlatform("linux")]
public static class TargetRemoval
{
    /// <summary>Ends every process of <paramref name="workload"/> and removes its cgroup (the workload is then disposed).</summary>
    public static void RemoveCgroup(CgroupWorkload workload) => workload.Dispose();

    /// <summary>
    /// Deletes <paramref name="workload"/>'s host-side device (its peer inside the namespace goes with it); the
    /// namespace itself stays until the workload is disposed.
    /// </summary>
    public static void RemoveTap(NamespacedWorkload workload) => Command.Run("ip", "link", "del", workload.HostDevice);
}
