using Netfence.Sandbox;
using System.Net;
using System.Net.Sockets;
using Netfence.Bpf.Links;
using Netfence.Bpf.Programs;
using Netfence.KernelTesting;

namespace Netfence.Bpf.KernelTests.Links;

public class CgroupAttachTests
{
    /// <summary>Tries a TCP connect with bash's /dev/tcp, from inside the cgroup or from outside.</summary>
    static Command.Result Connect(SandboxCgroup? cgroup, int port)
    {
        var script = $"exec 3<>/dev/tcp/127.0.0.1/{port}";
        return cgroup is null ? Command.Try("bash", "-c", script) : cgroup.Run("bash", "-c", script);
    }

    static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(64);
        return listener;
    }

    [KernelTheory]
    [InlineData(CgroupAttachMode.Link, typeof(BpfLink))]
    [InlineData(CgroupAttachMode.ProgAttach, typeof(LegacyCgroupAttachment))]
    [InlineData(CgroupAttachMode.Auto, typeof(BpfLink))]
    public void A_connect4_program_denies_connects_from_inside_the_cgroup_only(CgroupAttachMode mode, Type expectedKind)
    {
        using var listener = Listen();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string cgroupPath;
        uint programId;
        using (var cgroup = new SandboxCgroup())
        {
            cgroupPath = cgroup.Path;
            Assert.Equal(0, Connect(cgroup, port).ExitCode);

            using (var program = TestPrograms.DenyConnect4())
            {
                programId = Leftovers.ProgramId(program);
                var attachment = CgroupAttach.Attach(program, cgroup.Path, AttachType.CgroupInet4Connect, mode);
                try
                {
                    Assert.IsType(expectedKind, attachment);

                    var inside = Connect(cgroup, port);
                    Assert.NotEqual(0, inside.ExitCode);
                    Assert.Contains("Operation not permitted", inside.StdErr);
                    Assert.Equal(0, Connect(null, port).ExitCode);
                }
                finally
                {
                    attachment.Detach();
                    attachment.Dispose();
                }
                Assert.True(attachment.IsDetached);
                Assert.Equal(0, Connect(cgroup, port).ExitCode);
            }
        }
        Leftovers.AssertCgroupGone(cgroupPath);
        Leftovers.AssertProgramReleased(programId);
    }

    [KernelFact]
    public void A_pinned_cgroup_link_outlives_its_fd_and_is_adopted_and_detached_later()
    {
        using var listener = Listen();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        uint programId;
        string pin;
        using (var bpffs = new PinScratch())
        using (var cgroup = new SandboxCgroup())
        {
            pin = bpffs["conn4"];
            using (var program = TestPrograms.DenyConnect4())
            {
                programId = Leftovers.ProgramId(program);
                using var link = (BpfLink)CgroupAttach.Attach(program, cgroup.Path, AttachType.CgroupInet4Connect, CgroupAttachMode.Link);
                Assert.Equal(programId, link.ProgramId);
                link.Pin(pin);
            }
            // Our program and link fds are closed, as after a daemon restart: the pin keeps enforcing.
            Assert.NotEqual(0, Connect(cgroup, port).ExitCode);

            var adopted = BpfLink.OpenPinned(pin);
            try
            {
                Assert.Equal(programId, adopted.ProgramId);
            }
            finally
            {
                adopted.Detach();
            }
            Leftovers.AssertPinGone(pin);
            Assert.Equal(0, Connect(cgroup, port).ExitCode);
        }
        Leftovers.AssertProgramReleased(programId);
    }

    [KernelFact]
    public void A_path_outside_the_cgroup_v2_mount_is_rejected_by_name()
    {
        using var program = TestPrograms.DenyConnect4();
        // A directory that exists on any layout (not a v1 controller such as /sys/fs/cgroup/cpu, which a host with
        // cgroup2 at /sys/fs/cgroup does not have), so only "outside the mount" can be the reason.
        var outside = Directory.CreateTempSubdirectory("nft-cgroup-outside-");
        ArgumentException e;
        try
        {
            e = Assert.Throws<ArgumentException>(() => CgroupAttach.Attach(program, outside.FullName, AttachType.CgroupInet4Connect));
        }
        finally
        {
            outside.Delete();
        }
        Assert.Contains("not inside the cgroup v2 mount", e.Message);
        Assert.Contains(CgroupV2.FindMount(), e.Message);

        var missing = Path.Combine(CgroupV2.FindMount(), UniqueName.Next());
        e = Assert.Throws<ArgumentException>(() => CgroupAttach.Attach(program, missing, AttachType.CgroupInet4Connect));
        Assert.Contains("does not exist", e.Message);
    }

    [KernelFact]
    public void A_program_loaded_for_another_hook_is_rejected_before_the_kernel_sees_it()
    {
        using var program = TestPrograms.DenyConnect4();
        using var cgroup = new SandboxCgroup();
        var e = Assert.Throws<ArgumentException>(() => CgroupAttach.Attach(program, cgroup.Path, AttachType.CgroupUdp4Sendmsg));
        Assert.Contains("expected attach type", e.Message);
    }
}
