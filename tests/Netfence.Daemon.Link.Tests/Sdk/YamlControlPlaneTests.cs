using Microsoft.Extensions.DependencyInjection;
using Netfence.ControlPlane.Hosting;
using Netfence.ControlPlane.Yaml.Hosting;
using Netfence.Daemon.Link.Tests.Infrastructure;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Sdk;

/// <summary>The link against the built-in YAML control plane, as <c>netfenced controlplane</c> would serve it.</summary>
public sealed class YamlControlPlaneTests : IDisposable
{
    readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("nf-yaml-");

    public void Dispose() => directory.Delete(recursive: true);

    static string Policy(params string[] webCidrs) => $"""
        default:
          mode: block_all
        policies:
          - name: web
            match: {"{"}role: web{"}"}
            mode: allowlist
            allow_cidrs: [{string.Join(", ", webCidrs)}]
            dns:
              mode: allowlist
              allow: [example.com]
        """;

    [Fact]
    public async Task An_attachment_gets_its_policy_from_the_file_and_an_edit_of_the_file_reaches_the_host()
    {
        var policyFile = Path.Combine(directory.FullName, "policy.yaml");
        File.WriteAllText(policyFile, Policy("10.0.0.0/8"));
        await using var server = await TestServer.StartAsync(new ServerEndpoint.Unix(TestLink.SocketPath()),
            builder => builder.Services.AddNetfenceYamlControlPlane(policyFile), app => app.MapNetfenceControlPlane());
        await using var test = TestLink.Start(server.Address);
        await test.ConnectedAsync();
        test.Host.Add("web-1");

        var subscribed = new Subscribed { Id = "web-1", Target = "tap-web-1", Type = AttachmentType.Tc, Mode = PolicyMode.BlockAll, DnsMode = DnsMode.Allowlist };
        subscribed.Metadata["role"] = "web";
        var ack = await test.Link.SubscribeAsync(subscribed, CancellationToken.None);
        Assert.Equal(PolicyMode.Allowlist, ack.Mode);
        Assert.Equal(["10.0.0.0/8"], test.Host["web-1"].Rules.AllowCidrs.Select(r => r.Network.ToString()));
        Assert.Equal(["example.com"], ack.Dns.AllowDomains.Select(d => d.Domain));

        File.WriteAllText(policyFile, Policy("10.0.0.0/8", "192.0.2.0/24"));

        await Wait.UntilAsync(() => test.Host["web-1"].Rules.AllowCidrs.Length == 2, "the edit to reach the host");
        Assert.Equal(["10.0.0.0/8", "192.0.2.0/24"], test.Host["web-1"].Rules.AllowCidrs.Select(r => r.Network.ToString()));
    }
}
