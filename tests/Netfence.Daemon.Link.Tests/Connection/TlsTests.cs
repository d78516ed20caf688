using Netfence.Daemon.Configuration;
using Netfence.Daemon.ControlPlane;
using Netfence.Daemon.Link.Tests.Infrastructure;
using Netfence.Protocol.V1;

namespace Netfence.Daemon.Link.Tests.Connection;

public sealed class TlsTests : IDisposable
{
    readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("nf-tls-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task The_link_verifies_the_server_against_the_CA_file_and_authenticates_with_its_client_certificate()
    {
        using var ca = TestCertificates.CreateAuthority("Netfence Test CA");
        using var serverCert = TestCertificates.IssueServer(ca, "localhost", "127.0.0.1");
        using var clientCert = TestCertificates.IssueClient(ca, "daemon-1.netfence");
        var (caFile, _) = TestCertificates.WritePem(ca, directory.FullName, "ca");
        var (certFile, keyFile) = TestCertificates.WritePem(clientCert, directory.FullName, "client");
        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Tls(serverCert, ClientCa: ca));

        await using var test = TestLink.Start(Https(server), s => s with { Tls = new TlsSettings(caFile, certFile, keyFile, null) });

        await test.ConnectedAsync();
        Assert.Equal(["CN=daemon-1.netfence"], server.ClientSubjects.Distinct());
        var stream = await service.NextStreamAsync();
        Assert.Equal("daemon-1", (await stream.WaitForAsync(DaemonEvent.EventOneofCase.Sync)).Sync.DaemonId);
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_refused_with_the_reason()
    {
        using var ca = TestCertificates.CreateAuthority("Netfence Test CA");
        using var impostor = TestCertificates.CreateAuthority("Impostor CA");
        using var serverCert = TestCertificates.IssueServer(impostor, "localhost", "127.0.0.1");
        var (caFile, _) = TestCertificates.WritePem(ca, directory.FullName, "ca");
        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Tls(serverCert));

        await using var test = TestLink.Start(Https(server), s => s with { Tls = new TlsSettings(caFile, null, null, null) });

        await Wait.UntilAsync(() => test.Link.LastError?.Contains("control_plane.tls.ca_file") == true, "the refusal to be reported");
        Assert.Contains("CN=Impostor CA", test.Link.LastError);
        Assert.Equal(0, test.TimesConnected);
        Assert.Equal(0, service.Connects);
    }

    [Fact]
    public async Task Server_name_replaces_the_host_name_the_certificate_is_checked_against()
    {
        using var ca = TestCertificates.CreateAuthority("Netfence Test CA");
        using var serverCert = TestCertificates.IssueServer(ca, "cp.internal");
        var (caFile, _) = TestCertificates.WritePem(ca, directory.FullName, "ca");
        var service = new ScriptedControlPlane();
        await using var server = await TestServer.StartAsync(service, new ServerEndpoint.Tls(serverCert));

        await using (var wrongName = TestLink.Start(Https(server), s => s with { Tls = new TlsSettings(caFile, null, null, null) }))
        {
            await Wait.UntilAsync(() => wrongName.Link.LastError?.Contains("not valid for the address's host name") == true, "the name mismatch to be reported");
        }
        await using var test = TestLink.Start(Https(server), s => s with { Tls = new TlsSettings(caFile, null, null, "cp.internal") });
        await test.ConnectedAsync();
    }

    [Fact]
    public void A_CA_file_that_is_not_PEM_is_a_configuration_error_naming_the_key()
    {
        var caFile = Path.Combine(directory.FullName, "ca.pem");
        File.WriteAllText(caFile, "not a certificate");
        var settings = TestLink.Settings(new Uri("https://127.0.0.1:1"), s => s with { Tls = new TlsSettings(caFile, null, null, null) });

        var error = Assert.Throws<ConfigurationException>(() => new ControlPlaneLink(settings, TestLink.Identity, new FakeAttachmentHost()));
        Assert.Contains("control_plane.tls.ca_file", error.Message);
        Assert.Contains(caFile, error.Message);
    }

    // Kestrel reports 127.0.0.1; the certificates name localhost too, so either works as the host.
    static Uri Https(TestServer server) => new UriBuilder(server.Address) { Scheme = "https" }.Uri;
}
