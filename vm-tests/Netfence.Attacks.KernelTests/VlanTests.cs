using Netfence.KernelTesting;
using Netfence.Sandbox.Lab;
using Netfence.Sandbox.Probing;

namespace Netfence.Attacks.KernelTests;

/// <summary>
/// Pitfall 6 from a VM: 802.1Q-tagged frames written onto its veth with a packet socket, so the filter on the host
/// end's ingress gets tagged frames. One to an address the VM learned reaches the server (the host routes it on); one
/// to an unlearned address does not.
/// </summary>
[Collection("attack lab")]
public sealed class VlanTests(AttackLab lab)
{
    [KernelFact]
    public async Task A_vlan_tagged_frame_from_a_vm_to_an_unlearned_address_never_arrives()
    {
        var vm = lab.VmNetwork;
        var learned = await lab.Vm.Agent.AttemptAsync(new ProbeRequest("tcp", "allowed.example", null, LocalInternet.HttpPort, lab.Vm.Dns.ToString(), Evidence.Token()));
        Assert.True(learned.Outcome == ProbeOutcome.Connected, $"the VM could not reach allowed.example: {learned}");
        var hostMac = File.ReadAllText($"/sys/class/net/{vm.HostDevice}/address").Trim();
        var inside = vm.Namespace.Name + "w";
        string Frame(int host, string token) => AttackPrograms.PriorityTaggedUdp(
            inside, hostMac, vm.WorkloadAddress.ToString(), lab.Address(host).ToString(), LocalInternet.UdpEchoPort, token);

        var control = Evidence.Token();
        Assert.Equal("SENT", lab.Vm.Python(Frame(AttackLab.Allowed, control)));
        Evidence.AssertReached(lab.Saw, control, "a tagged frame to the learned address");

        var token = Evidence.Token();
        Assert.Equal("SENT", lab.Vm.Python(Frame(AttackLab.Denied, token)));
        Evidence.AssertNeverReached(lab.Saw, token, "a tagged frame to an unlearned address");
    }
}
