using Netfence.Bpf.Elf;
using Netfence.Bpf.Programs;

namespace Netfence.Bpf.Tests.Elf;

public class ProgramSectionsTests
{
    [Theory]
    [InlineData("tc", ProgramType.SchedCls, null)]
    [InlineData("tc/ingress_filter", ProgramType.SchedCls, null)]
    [InlineData("classifier", ProgramType.SchedCls, null)]
    [InlineData("tcx/ingress", ProgramType.SchedCls, AttachType.TcxIngress)]
    [InlineData("tcx/egress", ProgramType.SchedCls, AttachType.TcxEgress)]
    [InlineData("cgroup/connect4", ProgramType.CgroupSockAddr, AttachType.CgroupInet4Connect)]
    [InlineData("cgroup/connect6", ProgramType.CgroupSockAddr, AttachType.CgroupInet6Connect)]
    [InlineData("cgroup/sendmsg4", ProgramType.CgroupSockAddr, AttachType.CgroupUdp4Sendmsg)]
    [InlineData("cgroup/sendmsg6", ProgramType.CgroupSockAddr, AttachType.CgroupUdp6Sendmsg)]
    [InlineData("cgroup/recvmsg4", ProgramType.CgroupSockAddr, AttachType.CgroupUdp4Recvmsg)]
    [InlineData("cgroup/recvmsg6", ProgramType.CgroupSockAddr, AttachType.CgroupUdp6Recvmsg)]
    [InlineData("cgroup_skb/ingress", ProgramType.CgroupSkb, AttachType.CgroupInetIngress)]
    [InlineData("cgroup_skb/egress", ProgramType.CgroupSkb, AttachType.CgroupInetEgress)]
    [InlineData("socket", ProgramType.SocketFilter, null)]
    [InlineData("xdp", ProgramType.Xdp, null)]
    public void Libbpf_section_names_map_to_types(string section, ProgramType type, AttachType? attach)
    {
        Assert.True(ProgramSections.TryResolve(section, out var c));
        Assert.Equal(type, c.Type);
        Assert.Equal(attach, c.AttachType);
    }

    [Theory]
    [InlineData("tcx/sideways")]
    [InlineData("cgroup/connect5")]
    [InlineData("tcfoo")]
    [InlineData("kprobe/sys_open")]
    public void Unknown_sections_do_not_resolve(string section) => Assert.False(ProgramSections.TryResolve(section, out _));
}
