using System.Runtime.CompilerServices;
using Mono.Cecil;
using Netfence.Bpf.Compiler.Frontend;
using Netfence.Bpf.Sdk;

namespace Netfence.Bpf.Compiler.Tests;

public class LayoutTests
{
    static readonly ModuleDefinition Sdk = ModuleDefinition.ReadModule(typeof(Hook).Assembly.Location);

    static int CompilerSize<T>() => TypeLayout.SizeOf(Sdk.GetType(typeof(T).FullName));

    [Fact]
    public void Struct_sizes_match_the_CLR_so_keys_and_packet_reads_have_the_same_bytes()
    {
        Assert.Equal(Unsafe.SizeOf<EthernetHeader>(), CompilerSize<EthernetHeader>());
        Assert.Equal(Unsafe.SizeOf<Ipv4Header>(), CompilerSize<Ipv4Header>());
        Assert.Equal(Unsafe.SizeOf<Ipv6Header>(), CompilerSize<Ipv6Header>());
        Assert.Equal(Unsafe.SizeOf<TcpHeader>(), CompilerSize<TcpHeader>());
        Assert.Equal(Unsafe.SizeOf<UdpHeader>(), CompilerSize<UdpHeader>());
        Assert.Equal(Unsafe.SizeOf<VlanHeader>(), CompilerSize<VlanHeader>());
    }
}
