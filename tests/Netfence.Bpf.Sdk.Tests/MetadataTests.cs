using System.Reflection;

namespace Netfence.Bpf.Sdk.Tests;

public sealed class MetadataTests
{
    [Theory]
    [InlineData(nameof(Bpf.KtimeGetNs), 5)]
    [InlineData(nameof(Bpf.KtimeGetBootNs), 125)]
    [InlineData(nameof(Bpf.GetCurrentCgroupId), 80)]
    [InlineData(nameof(Bpf.GetCurrentAncestorCgroupId), 123)]
    [InlineData(nameof(Bpf.SkbAncestorCgroupId), 83)]
    [InlineData(nameof(Bpf.GetCurrentPidTgid), 14)]
    [InlineData(nameof(Bpf.GetPrandomU32), 7)]
    [InlineData(nameof(Bpf.GetSmpProcessorId), 8)]
    public void Helpers_carry_their_kernel_ids(string method, int id) =>
        Assert.Equal(id, typeof(Bpf).GetMethod(method)!.GetCustomAttribute<HelperAttribute>()!.Id);

    [Theory]
    [InlineData(typeof(HashMap<uint, uint>))]
    [InlineData(typeof(LruHashMap<uint, uint>))]
    [InlineData(typeof(ArrayMap<uint>))]
    [InlineData(typeof(PerCpuArrayMap<uint>))]
    [InlineData(typeof(LpmTrieMap<ulong, uint>))]
    public void Map_element_operations_carry_lookup_update_delete_ids(Type map)
    {
        Assert.Equal(1, map.GetMethod("TryLookup")!.GetCustomAttribute<HelperAttribute>()!.Id);
        Assert.Equal(2, map.GetMethod("Update")!.GetCustomAttribute<HelperAttribute>()!.Id);
        Assert.Equal(3, map.GetMethod("Delete")!.GetCustomAttribute<HelperAttribute>()!.Id);
    }

    [Fact]
    public void Ring_output_and_per_cpu_increment_carry_their_ids()
    {
        Assert.Equal(130, typeof(RingBuffer).GetMethod(nameof(RingBuffer.Output))!.GetCustomAttribute<HelperAttribute>()!.Id);
        Assert.Equal(1, typeof(PerCpuArrayMapExtensions).GetMethod(nameof(PerCpuArrayMapExtensions.Increment))!
            .GetCustomAttribute<HelperAttribute>()!.Id);
    }

    [Theory]
    [InlineData(typeof(HashMap<,>), 1)]
    [InlineData(typeof(ArrayMap<>), 2)]
    [InlineData(typeof(PerCpuArrayMap<>), 6)]
    [InlineData(typeof(LruHashMap<,>), 9)]
    [InlineData(typeof(LpmTrieMap<,>), 11)]
    [InlineData(typeof(RingBuffer), 27)]
    public void Maps_carry_their_kernel_map_type(Type map, int type) =>
        Assert.Equal(type, map.GetCustomAttribute<MapTypeAttribute>(inherit: false)!.Type);

    [Theory]
    [InlineData(Hook.TcIngress, "tc/ingress", "tc", 3, -1, typeof(SkBuff))]
    [InlineData(Hook.TcEgress, "tc/egress", "tc", 3, -1, typeof(SkBuff))]
    [InlineData(Hook.TcxIngress, "tcx/ingress", "tc", 3, 46, typeof(SkBuff))]
    [InlineData(Hook.TcxEgress, "tcx/egress", "tc", 3, 47, typeof(SkBuff))]
    [InlineData(Hook.CgroupConnect4, "cgroup/connect4", "cgroup/connect4", 18, 10, typeof(SockAddr))]
    [InlineData(Hook.CgroupConnect6, "cgroup/connect6", "cgroup/connect6", 18, 11, typeof(SockAddr))]
    [InlineData(Hook.CgroupSendmsg4, "cgroup/sendmsg4", "cgroup/sendmsg4", 18, 14, typeof(SockAddr))]
    [InlineData(Hook.CgroupSendmsg6, "cgroup/sendmsg6", "cgroup/sendmsg6", 18, 15, typeof(SockAddr))]
    [InlineData(Hook.CgroupRecvmsg4, "cgroup/recvmsg4", "cgroup/recvmsg4", 18, 19, typeof(SockAddr))]
    [InlineData(Hook.CgroupRecvmsg6, "cgroup/recvmsg6", "cgroup/recvmsg6", 18, 20, typeof(SockAddr))]
    [InlineData(Hook.CgroupSkbIngress, "cgroup_skb/ingress", "cgroup_skb/ingress", 8, 0, typeof(SkBuff))]
    [InlineData(Hook.CgroupSkbEgress, "cgroup_skb/egress", "cgroup_skb/egress", 8, 1, typeof(SkBuff))]
    public void Hooks_carry_name_section_program_type_attach_type_and_context(Hook hook, string name, string section, int programType, int attachType, Type context)
    {
        var info = HookInfo.Of(hook);
        Assert.Equal((name, section, programType, attachType, context), (info.Name, info.Section, info.ProgramType, info.AttachType, info.ContextType));
    }

    // libbpf 1.1 (Debian bookworm's bpftool) knows "tc", "classifier", "cgroup/*" and "cgroup_skb/*" but not "tcx/*"
    // or "tc/ingress", which came with libbpf 1.3.
    static readonly string[] Libbpf11Sections =
        ["tc", "cgroup/connect4", "cgroup/connect6", "cgroup/sendmsg4", "cgroup/sendmsg6", "cgroup/recvmsg4", "cgroup/recvmsg6", "cgroup_skb/ingress", "cgroup_skb/egress"];

    [Fact]
    public void Every_hook_is_written_to_a_section_libbpf_1_1_understands() =>
        Assert.All(Enum.GetValues<Hook>(), h => Assert.Contains(HookInfo.Of(h).Section, Libbpf11Sections));

    [Fact]
    public void Every_hook_has_info() =>
        Assert.All(Enum.GetValues<Hook>(), h => Assert.NotNull(HookInfo.Of(h)));

    [Fact]
    public void Verdicts_match_the_kernel()
    {
        Assert.Equal((0, 2), (TcAction.Ok, TcAction.Shot));
        Assert.Equal((-1, 0, 2), (Tcx.Next, Tcx.Pass, Tcx.Drop));
        Assert.Equal((1, 0), (SockAddrVerdict.Allow, SockAddrVerdict.Reject));
    }

    [Fact]
    public void License_defaults_to_gpl() => Assert.Equal("GPL", new LicenseAttribute().Name);

    [Theory]
    [InlineData(nameof(Net.Ntohs), 16)]
    [InlineData(nameof(Net.Htons), 16)]
    [InlineData(nameof(Net.Ntohl), 32)]
    [InlineData(nameof(Net.Htonl), 32)]
    [InlineData(nameof(Net.Ntohll), 64)]
    [InlineData(nameof(Net.Htonll), 64)]
    public void Byte_order_helpers_carry_their_width(string method, int bits) =>
        Assert.Equal(bits, typeof(Net).GetMethod(method)!.GetCustomAttribute<EndianConversionAttribute>()!.Bits);

    [Fact]
    public void Byte_order_helpers_swap_to_big_endian()
    {
        Assert.Equal((ushort)0x3412, Net.Htons(0x1234));
        Assert.Equal((ushort)0x1234, Net.Ntohs(Net.Htons(0x1234)));
        Assert.Equal(0x78563412u, Net.Htonl(0x12345678));
        Assert.Equal(0x12345678u, Net.Ntohl(0x78563412));
        Assert.Equal(0x0807060504030201UL, Net.Ntohll(0x0102030405060708));
        Assert.Equal(0x0102030405060708UL, Net.Ntohll(Net.Htonll(0x0102030405060708)));
    }
}
