using Netfence.Policy.Validation;
using System.Net;
using Netfence.Daemon.Configuration;
using Netfence.Daemon.Tests.Store;
using Netfence.Policy.Modes;

namespace Netfence.Daemon.Tests.Configuration;

public sealed class ConfigurationLoaderTests : IDisposable
{
    readonly TempDirectory dir = new();

    public ConfigurationLoaderTests() => Directory.CreateDirectory(dir.Path);

    public void Dispose() => dir.Dispose();

    static readonly Dictionary<string, string> NoEnvironment = new() { ["PATH"] = "/usr/bin" };

    string WriteYaml(string text)
    {
        var path = Path.Combine(dir.Path, "netfenced.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    static ConfigurationException Fails(Func<DaemonConfiguration> load) => Assert.Throws<ConfigurationException>(load);

    [Fact]
    public void DefaultsApplyWithoutFileOrEnvironment()
    {
        var c = ConfigurationLoader.Load(null, NoEnvironment);
        Assert.Equal("/var/run/netfence.sock", c.Socket.Path);
        Assert.Null(c.Socket.Group);
        Assert.Equal("/var/lib/netfence", c.DataDirectory);
        Assert.Null(c.ControlPlane.Address);
        Assert.Null(c.ControlPlane.PolicyFile);
        Assert.Null(c.Datapath.ObjectPath);
        Assert.Equal(Netfence.Bpf.Links.TcAttachMode.Auto, c.Datapath.TcAttach);
        Assert.Equal(TimeSpan.FromSeconds(5), c.ControlPlane.SubscribeAckTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), c.ControlPlane.SyncAckTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), c.ControlPlane.HeartbeatInterval);
        Assert.Equal(IPAddress.Loopback, c.Dns.ListenAddress);
        Assert.True(c.Dns.PortCount >= 10_000);
        Assert.True(c.Dns.PortRangeEnd < 32768, "the DNS ports stay below the ephemeral range");
        Assert.Equal(BlockedRcode.Refused, c.Dns.BlockedRcode);
        Assert.True(c.Dns.RebindingProtection);
        Assert.Empty(c.Dns.UpstreamServers);
        Assert.Equal(TimeSpan.FromMicroseconds(50), c.Dns.BusyPoll);
        Assert.Equal(LogFormat.Text, c.Log.Format);
        Assert.Equal(AttachWithoutControlPlanePolicy.Fail, c.AttachWithoutControlPlane.Policy);
        Assert.Equal(PolicyMode.BlockAll, c.AttachWithoutControlPlane.DefaultMode);
        Assert.Empty(c.Metadata);
    }

    [Fact]
    public void EveryDefaultKeyIsReadByTheTypedConfiguration()
    {
        var catalogue = SettingCatalogue.Embedded;
        var reader = new SettingReader(catalogue.Defaults, catalogue);
        ConfigurationLoader.Build(reader, null);
        Assert.Empty(reader.Errors);
        Assert.Equal(catalogue.Keys.Keys.Order(), reader.KeysRead.Order());
    }

    [Fact]
    public void YamlSetsValues()
    {
        var path = WriteYaml("""
            socket:
              group: netfence
            control_plane:
              address: https://cp.example:8443
              tls:
                ca_file: /etc/netfence/ca.pem
              subscribe_ack_timeout: 1m30s
              max_message_size: 256MiB
            dns:
              blocked_rcode: NXDOMAIN
              upstream_servers: [9.9.9.9, "[2001:db8::53]:5353"]
            metadata:
              zone: eu-1
            log:
              format: json
            """);
        var c = ConfigurationLoader.Load(path, NoEnvironment);
        Assert.Equal(path, c.SourceFile);
        Assert.Equal("netfence", c.Socket.Group);
        Assert.Equal(new Uri("https://cp.example:8443"), c.ControlPlane.Address);
        Assert.Equal("/etc/netfence/ca.pem", c.ControlPlane.Tls.CaFile);
        Assert.Equal(TimeSpan.FromSeconds(90), c.ControlPlane.SubscribeAckTimeout);
        Assert.Equal(256 << 20, c.ControlPlane.MaxMessageSize);
        Assert.Equal(BlockedRcode.NxDomain, c.Dns.BlockedRcode);
        Assert.Equal(new[] { IPEndPoint.Parse("9.9.9.9:53"), IPEndPoint.Parse("[2001:db8::53]:5353") }, c.Dns.UpstreamServers.ToArray());
        Assert.Equal("eu-1", c.Metadata["zone"]);
        Assert.Equal(LogFormat.Json, c.Log.Format);
    }

    [Fact]
    public void EnvironmentOverridesYamlIncludingKeysWithoutDefault()
    {
        var path = WriteYaml("control_plane:\n  address: http://a:1\n");
        var c = ConfigurationLoader.Load(path, new Dictionary<string, string>
        {
            ["NETFENCE_CONTROL_PLANE_ADDRESS"] = "http://b:2",
            ["NETFENCE_SOCKET_GROUP"] = "ops",
            ["NETFENCE_DNS_UPSTREAM_SERVERS"] = "1.1.1.1, 8.8.8.8:5353",
            ["NETFENCE_METADATA"] = "zone=z1,rack=r2",
            ["NETFENCE_DNS_REBINDING_PROTECTION"] = "false",
            ["NETFENCE_REQUIRE_KERNEL"] = "1",
        });
        Assert.Equal(new Uri("http://b:2"), c.ControlPlane.Address);
        Assert.Equal("ops", c.Socket.Group);
        Assert.Equal(2, c.Dns.UpstreamServers.Length);
        Assert.Equal("r2", c.Metadata["rack"]);
        Assert.False(c.Dns.RebindingProtection);
    }

    [Fact]
    public void ConfigFileCanBeNamedByEnvironment()
    {
        var path = WriteYaml("data_dir: /srv/netfence\n");
        Assert.Equal("/srv/netfence", ConfigurationLoader.Load(null, new Dictionary<string, string> { ["NETFENCE_CONFIG"] = path }).DataDirectory);
        var e = Fails(() => ConfigurationLoader.Load(null, new Dictionary<string, string> { ["NETFENCE_CONFIG"] = path + ".missing" }));
        Assert.Contains("does not exist (named by NETFENCE_CONFIG)", e.Message);
    }

    [Fact]
    public void UnknownEnvironmentVariableIsNamed()
    {
        var e = Fails(() => ConfigurationLoader.Load(null, new Dictionary<string, string> { ["NETFENCE_CONTROLPLANE_ADDRESS"] = "http://x:1" }));
        Assert.Contains("NETFENCE_CONTROLPLANE_ADDRESS: unknown environment variable", e.Message);
    }

    [Fact]
    public void UnknownYamlKeysAreNamedWithTheirLine()
    {
        var e = Fails(() => ConfigurationLoader.Load(WriteYaml("dns:\n  ttl_min: 1s\n  tll_max: 1h\nsockets:\n  path: /x\n"), NoEnvironment));
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains(e.Errors, m => m.StartsWith("dns.tll_max (") && m.Contains("line 3") && m.Contains("unknown key") && m.Contains("ttl_max"));
        Assert.Contains(e.Errors, m => m.StartsWith("sockets (") && m.Contains("unknown key"));
    }

    [Theory]
    [InlineData("control_plane:\n  subscribe_ack_timeout: 5x\n", "control_plane.subscribe_ack_timeout", "not a duration")]
    [InlineData("control_plane:\n  subscribe_ack_timeout: 10m\n", "control_plane.subscribe_ack_timeout", "outside the allowed range")]
    [InlineData("control_plane:\n  sync_ack_timeout: 500ms\n", "control_plane.sync_ack_timeout", "outside the allowed range")]
    [InlineData("control_plane:\n  max_message_size: 16KiB\n", "control_plane.max_message_size", "outside the allowed range")]
    [InlineData("control_plane:\n  max_message_size: 64MB\n", "control_plane.max_message_size", "not a size")]
    [InlineData("control_plane:\n  address: ftp://x\n", "control_plane.address", "not an http://, https:// or unix://")]
    [InlineData("control_plane:\n  address: http://x:1\n  tls:\n    ca_file: /ca.pem\n", "control_plane.tls.ca_file", "does not use https")]
    [InlineData("control_plane:\n  address: https://x:1\n  tls:\n    cert_file: /c.pem\n", "control_plane.tls.cert_file", "must be set together")]
    [InlineData("socket:\n  path: relative.sock\n", "socket.path", "not an absolute path")]
    [InlineData("dns:\n  port_range_start: 30000\n  port_range_end: 20000\n", "dns.port_range_start", "above dns.port_range_end")]
    [InlineData("dns:\n  port_range_end: 70000\n", "dns.port_range_end", "not a port number")]
    [InlineData("dns:\n  ttl_min: 2h\n", "dns.ttl_min", "longer than dns.ttl_max")]
    [InlineData("dns:\n  listen_address: 127.0.0.1:53\n", "dns.listen_address", "without a port")]
    [InlineData("dns:\n  blocked_rcode: servfail\n", "dns.blocked_rcode", "not one of refused, nxdomain")]
    [InlineData("dns:\n  rebinding_protection: yes\n", "dns.rebinding_protection", "not true or false")]
    [InlineData("dns:\n  busy_poll: fast\n", "dns.busy_poll", "not a duration (use whole microseconds, e.g. 50us, or 0")]
    [InlineData("dns:\n  busy_poll: 50\n", "dns.busy_poll", "not a duration")]
    [InlineData("dns:\n  busy_poll: -5us\n", "dns.busy_poll", "not a duration")]
    [InlineData("dns:\n  busy_poll: 2.5us\n", "dns.busy_poll", "not a duration")]
    [InlineData("dns:\n  busy_poll: 1001us\n", "dns.busy_poll", "longer than the most allowed, 1000us")]
    [InlineData("dns:\n  busy_poll: 2ms\n", "dns.busy_poll", "longer than the most allowed, 1000us")]
    [InlineData("dns:\n  upstream_servers: [1.1.1.1, dns.google]\n", "dns.upstream_servers[1]", "not an IPv4 or IPv6 address")]
    [InlineData("dns:\n  upstream_servers: 1.1.1.1\n", "dns.upstream_servers", "needs a list of values")]
    [InlineData("log:\n  format: xml\n", "log.format", "not one of text, json")]
    [InlineData("attach_without_control_plane:\n  policy: allow\n", "attach_without_control_plane.policy", "not one of fail, default")]
    [InlineData("metadata:\n  bad key: v\n", "metadata", "contains ' '")]
    [InlineData("control_plane: 5\n", "control_plane", "is a section")]
    [InlineData("datapath:\n  object: /nonexistent/netfence_datapath.o\n", "datapath.object", "/nonexistent/netfence_datapath.o does not exist")]
    [InlineData("datapath:\n  tc_attach: legacy\n", "datapath.tc_attach", "not one of auto, tcx, netlink")]
    [InlineData("control_plane:\n  policy_file: /nonexistent/policy.yaml\n", "control_plane.policy_file", "does not exist")]
    [InlineData("control_plane:\n  policy_file: policy.yaml\n", "control_plane.policy_file", "not an absolute path")]
    public void InvalidValuesNameTheKey(string yaml, string key, string problem)
    {
        var e = Fails(() => ConfigurationLoader.Load(WriteYaml(yaml), NoEnvironment));
        var error = Assert.Single(e.Errors);
        Assert.StartsWith(key + " (", error);
        Assert.Contains(problem, error);
        Assert.Contains("netfenced.yaml line", error);
    }

    [Fact]
    public void A_policy_file_is_refused_beside_a_control_plane_address()
    {
        var policy = Path.Combine(dir.Path, "policy.yaml");
        File.WriteAllText(policy, "default:\n  mode: block_all\n");
        var e = Fails(() => ConfigurationLoader.Load(WriteYaml($"control_plane:\n  address: http://x:1\n  policy_file: {policy}\n"), NoEnvironment));
        var error = Assert.Single(e.Errors);
        Assert.StartsWith("control_plane.policy_file (", error);
        Assert.Contains("control_plane.address", error);
        Assert.Equal(policy, ConfigurationLoader.Load(WriteYaml($"control_plane:\n  policy_file: {policy}\n"), NoEnvironment).ControlPlane.PolicyFile);
    }

    [Theory]
    [InlineData("auto", Netfence.Bpf.Links.TcAttachMode.Auto)]
    [InlineData("tcx", Netfence.Bpf.Links.TcAttachMode.Tcx)]
    [InlineData("netlink", Netfence.Bpf.Links.TcAttachMode.Netlink)]
    public void The_tc_attach_mode_is_set_by_yaml_or_environment(string text, Netfence.Bpf.Links.TcAttachMode mode)
    {
        Assert.Equal(mode, ConfigurationLoader.Load(WriteYaml($"datapath:\n  tc_attach: {text}\n"), NoEnvironment).Datapath.TcAttach);
        Assert.Equal(mode, ConfigurationLoader.Load(null, new Dictionary<string, string> { ["NETFENCE_DATAPATH_TC_ATTACH"] = text }).Datapath.TcAttach);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0us", 0)]
    [InlineData("20us", 20)]
    [InlineData("1000us", 1000)]
    [InlineData("1ms", 1000)]
    public void Busy_polling_is_set_in_microseconds_by_yaml_or_environment_and_0_turns_it_off(string text, int microseconds)
    {
        var expected = TimeSpan.FromMicroseconds(microseconds);
        Assert.Equal(expected, ConfigurationLoader.Load(WriteYaml($"dns:\n  busy_poll: {text}\n"), NoEnvironment).Dns.BusyPoll);
        Assert.Equal(expected, ConfigurationLoader.Load(null, new Dictionary<string, string> { ["NETFENCE_DNS_BUSY_POLL"] = text }).Dns.BusyPoll);
    }

    [Fact]
    public void A_bad_tc_attach_mode_in_the_environment_names_the_variable()
    {
        var error = Assert.Single(Fails(() => ConfigurationLoader.Load(null, new Dictionary<string, string> { ["NETFENCE_DATAPATH_TC_ATTACH"] = "tc" })).Errors);
        Assert.StartsWith("datapath.tc_attach (environment variable NETFENCE_DATAPATH_TC_ATTACH)", error);
        Assert.Contains("not one of auto, tcx, netlink", error);
    }

    [Fact]
    public void InvalidEnvironmentValuesNameTheVariable()
    {
        var e = Fails(() => ConfigurationLoader.Load(null, new Dictionary<string, string>
        {
            ["NETFENCE_CONTROL_PLANE_HEARTBEAT_INTERVAL"] = "soon",
            ["NETFENCE_METADATA"] = "a=1,,b=2",
        }));
        Assert.Equal(2, e.Errors.Count);
        Assert.Contains(e.Errors, m => m.StartsWith("control_plane.heartbeat_interval (environment variable NETFENCE_CONTROL_PLANE_HEARTBEAT_INTERVAL)"));
        Assert.Contains(e.Errors, m => m.StartsWith("metadata (environment variable NETFENCE_METADATA)") && m.Contains("pair 2"));
    }

    [Fact]
    public void MalformedYamlNamesTheFileAndLine()
    {
        var e = Fails(() => ConfigurationLoader.Load(WriteYaml("dns:\n  ttl_min: [1s\n"), NoEnvironment));
        Assert.Contains("netfenced.yaml line", Assert.Single(e.Errors));
        e = Fails(() => ConfigurationLoader.Load(WriteYaml("log:\n  format: text\nlog:\n  level: debug\n"), NoEnvironment));
        Assert.Contains("netfenced.yaml line", Assert.Single(e.Errors));
    }

    [Fact]
    public void ExplicitMissingFileIsAnError()
    {
        Assert.Contains("does not exist", Fails(() => ConfigurationLoader.Load(Path.Combine(dir.Path, "nope.yaml"), NoEnvironment)).Message);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    public void DurationsParse(string text, int milliseconds) => Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationText.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("1.5s")]
    [InlineData("5 s")]
    [InlineData("-5s")]
    [InlineData("5d")]
    public void BadDurationsAreRejected(string text) => Assert.Throws<FormatException>(() => DurationText.Parse(text));
}
