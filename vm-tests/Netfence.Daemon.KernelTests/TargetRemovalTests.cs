using Netfence.KernelTesting;
using Netfence.Protocol.V1;
using Netfence.Sandbox;

namespace Netfence.Daemon.KernelTests;

/// <summary>A running netfenced ends the attachment of a target that vanishes, at once, and reports it REMOVED.</summary>
public sealed class TargetRemovalTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [KernelFact]
    public async Task Removing_an_attached_cgroup_or_veth_ends_its_attachment_and_reports_it_removed()
    {
        var cgroup = new SandboxCgroup();
        var hostSide = UniqueName.Next();
        var workloadSide = UniqueName.Next();
        Command.Run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", workloadSide);
        try
        {
            await using var daemon = await KernelDaemon.StartAsync(new AckingControlPlane(AckingControlPlane.Allowlist("127.0.0.1/32")));
            var ofCgroup = await daemon.Client.AttachAsync(new AttachRequest { CgroupPath = cgroup.Path });
            var ofVeth = await daemon.Client.AttachAsync(new AttachRequest { InterfaceName = hostSide });
            Assert.Equal(2, (await daemon.Client.ListAsync(new ListRequest())).TotalCount);

            cgroup.Dispose();
            await PollUntilGoneAsync(daemon, ofCgroup.Id);
            Command.Run("ip", "link", "del", hostSide);
            await PollUntilGoneAsync(daemon, ofVeth.Id);

            Assert.Equal(0, (await daemon.Client.ListAsync(new ListRequest())).TotalCount);
            // The Unsubscribed events travel the control-plane stream after the attachments have ended: wait for them.
            Netfence.KernelTesting.Deadline.Require(() => daemon.Link.Unsubscriptions.Any(u => u.Id == ofCgroup.Id) && daemon.Link.Unsubscriptions.Any(u => u.Id == ofVeth.Id),
                Deadline, "Unsubscribed for both attachments");
            var reports = daemon.Link.Unsubscriptions.ToDictionary(u => u.Id); // and each exactly once
            Assert.Equal(UnsubscribeReason.Removed, reports[ofCgroup.Id].Reason);
            Assert.Equal(UnsubscribeReason.Removed, reports[ofVeth.Id].Reason);
            // Nothing of either attachment stays pinned.
            Assert.Empty(Directory.EnumerateDirectories(Path.Combine(daemon.PinDirectory, Netfence.Daemon.Attachments.KernelDatapath.LinksDirectory)));
        }
        finally
        {
            cgroup.Dispose();
            Command.Try("ip", "link", "del", hostSide);
        }
    }

    static async Task PollUntilGoneAsync(KernelDaemon daemon, string id)
    {
        var end = DateTime.UtcNow + Deadline;
        while ((await daemon.Client.ListAsync(new ListRequest())).Attachments.Any(a => a.Id == id))
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"attachment {id} is still listed {Deadline.TotalSeconds} s after its target was removed");
            await Task.Delay(50);
        }
    }
}
