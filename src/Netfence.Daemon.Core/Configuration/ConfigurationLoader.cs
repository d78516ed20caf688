using Netfence.Policy.Validation;
using System.Collections;
using System.Globalization;
using System.Net;
using Netfence.Bpf.Links;
using Netfence.Bpf.Maps;
using Netfence.Policy.Addresses;
using Netfence.Policy.Commands;
using Netfence.Policy.Metadata;
using Netfence.Policy.Modes;

namespace Netfence.Daemon.Configuration;

/// <summary>
/// Builds the <see cref="DaemonConfiguration"/>: embedded defaults, then the YAML file, then
/// <c>NETFENCE_*</c> environment variables, then validation. Unknown keys and unknown
/// <c>NETFENCE_*</c> variables are errors (pitfall 15: a setting that silently does nothing).
/// </summary>
public static class ConfigurationLoader
{
    /// <summary>The file read when no path is given and it exists.</summary>
    public const string DefaultPath = "/etc/netfence/netfenced.yaml";

    /// <summary>The variable that names the configuration file.</summary>
    public const string ConfigPathVariable = "NETFENCE_CONFIG";

    /// <summary>
    /// <c>NETFENCE_*</c> variables that are not configuration keys but are known, so they are not
    /// reported as unknown: the file path, and the test harness's switch that turns kernel-test skips
    /// into failures (set in the environment of whole test runs that may start netfenced).
    /// </summary>
    public static IReadOnlySet<string> NonSettingVariables { get; } = new HashSet<string>(StringComparer.Ordinal) { ConfigPathVariable, "NETFENCE_REQUIRE_KERNEL" };

    /// <summary>The longest unix socket path (sun_path is 108 bytes with the NUL).</summary>
    public const int MaxSocketPathLength = 107;

    /// <summary>Loads from the process environment.</summary>
    /// <param name="path">A file given on the command line, or null.</param>
    /// <exception cref="ConfigurationException">Something is unknown or invalid; every problem is listed.</exception>
    public static DaemonConfiguration Load(string? path = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            environment[(string)entry.Key] = (string?)entry.Value ?? "";
        return Load(path, environment);
    }

    /// <summary>Loads with the given environment.</summary>
    /// <param name="path">A file given on the command line, or null to use <see cref="ConfigPathVariable"/> or <see cref="DefaultPath"/>.</param>
    /// <param name="environment">Environment variables; only <c>NETFENCE_*</c> ones are looked at.</param>
    /// <exception cref="ConfigurationException">Something is unknown or invalid; every problem is listed.</exception>
    public static DaemonConfiguration Load(string? path, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var catalogue = SettingCatalogue.Embedded;
        var errors = new List<string>();
        var values = new Dictionary<string, RawSetting>(catalogue.Defaults, StringComparer.Ordinal);

        bool explicitPath = path is not null || environment.ContainsKey(ConfigPathVariable);
        var file = path ?? (environment.TryGetValue(ConfigPathVariable, out var fromEnv) ? fromEnv : DefaultPath);
        string? sourceFile = null;
        if (explicitPath && string.IsNullOrEmpty(file))
        {
            errors.Add($"{ConfigPathVariable} is set but empty; name a configuration file or unset it");
        }
        else if (File.Exists(file))
        {
            sourceFile = file;
            try
            {
                YamlFile.Read(file, File.ReadAllText(file), catalogue, values, errors);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{file}: cannot be read: {e.Message}");
            }
        }
        else if (explicitPath)
        {
            errors.Add($"the configuration file {file} does not exist{(path is null ? $" (named by {ConfigPathVariable})" : "")}");
        }

        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(SettingCatalogue.EnvironmentPrefix, StringComparison.Ordinal) || NonSettingVariables.Contains(name)) continue;
            if (!catalogue.ByEnvironmentName.TryGetValue(name, out var key))
            {
                errors.Add($"{name}: unknown environment variable; netfenced reads NETFENCE_<KEY> for the keys of its configuration " +
                    $"(e.g. NETFENCE_CONTROL_PLANE_ADDRESS) and {string.Join(", ", NonSettingVariables.Order())}; unset it or fix its name");
                continue;
            }
            var source = "environment variable " + name;
            values[key] = catalogue.Keys[key] switch
            {
                SettingKind.List => new RawSetting(null, value.Length == 0 ? [] : value.Split(',').Select(s => s.Trim()).ToList(), null, source),
                SettingKind.Map => new RawSetting(null, null, ParsePairs(value, key, source, errors), source),
                _ => new RawSetting(value, null, null, source),
            };
        }

        var reader = new SettingReader(values, catalogue);
        var configuration = Build(reader, sourceFile);
        errors.AddRange(reader.Errors);
        if (errors.Count > 0) throw new ConfigurationException(errors);
        return configuration;
    }

    static IReadOnlyList<KeyValuePair<string, string>> ParsePairs(string text, string key, string source, List<string> errors)
    {
        try
        {
            return [.. AttachmentMetadata.Parse(text, key)];
        }
        catch (Policy.Validation.PolicyValidationException e)
        {
            errors.Add($"{key} ({source}): {e.Problem}");
            return [];
        }
    }

    /// <summary>Types and validates every key; internal so a test can check that every catalogue key is read.</summary>
    internal static DaemonConfiguration Build(SettingReader r, string? sourceFile)
    {
        var socket = new SocketSettings(
            r.Scalar("socket.path", text => AbsolutePath(text, MaxSocketPathLength), "/var/run/netfence.sock"),
            r.OptionalString("socket.group", GroupName),
            r.Scalar<IPEndPoint?>("socket.tcp_address", TcpAddress, null));
        var dataDirectory = r.Scalar("data_dir", text => AbsolutePath(text, 4095), "/var/lib/netfence");
        var datapath = new DatapathSettings(
            r.Scalar("datapath.pin_dir", text => AbsolutePath(text, 4095), "/sys/fs/bpf/netfence"),
            r.OptionalString("datapath.object", ObjectPath),
            r.Scalar("datapath.tc_attach", text => OneOf(text, new Dictionary<string, TcAttachMode>
            {
                ["auto"] = TcAttachMode.Auto,
                ["tcx"] = TcAttachMode.Tcx,
                ["netlink"] = TcAttachMode.Netlink,
            }), TcAttachMode.Auto));
        if (datapath.ObjectPath is { } objectPath && !File.Exists(DatapathSettings.Resolve(objectPath)))
            r.Fail("datapath.object", $"{DatapathSettings.Resolve(objectPath)} does not exist (unset datapath.object to run the datapath built into netfenced)");
        var hostname = r.OptionalString("daemon.hostname", HostName);
        var metadata = r.Map("metadata", pairs => AttachmentMetadata.From(pairs, "metadata"), AttachmentMetadata.Empty);

        var address = r.Scalar<Uri?>("control_plane.address", ControlPlaneAddress, null);
        var tls = new TlsSettings(
            r.OptionalString("control_plane.tls.ca_file", text => AbsolutePath(text, 4095)),
            r.OptionalString("control_plane.tls.cert_file", text => AbsolutePath(text, 4095)),
            r.OptionalString("control_plane.tls.key_file", text => AbsolutePath(text, 4095)),
            r.OptionalString("control_plane.tls.server_name", HostName));
        var controlPlane = new ControlPlaneSettings(address, tls,
            r.Scalar("control_plane.subscribe_ack_timeout", text => Duration(text, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)), TimeSpan.FromSeconds(5)),
            r.Scalar("control_plane.sync_ack_timeout", text => Duration(text, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)), TimeSpan.FromSeconds(15)),
            r.Scalar("control_plane.heartbeat_interval", text => Duration(text, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), TimeSpan.FromSeconds(30)),
            r.Scalar("control_plane.keepalive_interval", text => Duration(text, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)), TimeSpan.FromSeconds(20)),
            r.Scalar("control_plane.keepalive_timeout", text => Duration(text, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)), TimeSpan.FromSeconds(10)),
            r.Scalar("control_plane.reconnect_backoff_initial", text => Duration(text, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10)), TimeSpan.FromSeconds(1)),
            r.Scalar("control_plane.reconnect_backoff_max", text => Duration(text, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)), TimeSpan.FromSeconds(30)),
            r.OptionalString("control_plane.policy_file", text => AbsolutePath(text, 4095)),
            r.Scalar("control_plane.max_message_size", ControlPlaneSettings.ParseMessageSize, ControlPlaneSettings.DefaultMaxMessageSize));
        if (controlPlane.PolicyFile is { } policyFile)
        {
            if (address is not null)
                r.Fail("control_plane.policy_file", $"is set, but so is control_plane.address '{address}': the policy file is for the control plane netfenced runs itself when no address is set");
            else if (!File.Exists(policyFile))
                r.Fail("control_plane.policy_file", $"{policyFile} does not exist (`netfenced controlplane --default-policy > {policyFile}` writes a starting point)");
        }
        if (address is not null && address.Scheme != Uri.UriSchemeHttps)
        {
            foreach (var (key, value) in new[] { ("ca_file", tls.CaFile), ("cert_file", tls.CertFile), ("key_file", tls.KeyFile), ("server_name", tls.ServerName) })
            {
                if (value is not null)
                    r.Fail("control_plane.tls." + key, $"is set, but control_plane.address '{address}' does not use https, so TLS is not used");
            }
        }
        if ((tls.CertFile is null) != (tls.KeyFile is null))
            r.Fail(tls.CertFile is null ? "control_plane.tls.key_file" : "control_plane.tls.cert_file",
                "control_plane.tls.cert_file and control_plane.tls.key_file must be set together");
        if (controlPlane.ReconnectBackoffInitial > controlPlane.ReconnectBackoffMax)
            r.Fail("control_plane.reconnect_backoff_initial", $"{controlPlane.ReconnectBackoffInitial} is longer than control_plane.reconnect_backoff_max ({controlPlane.ReconnectBackoffMax})");

        var dns = new DnsSettings(
            r.Scalar("dns.listen_address", ListenAddress, IPAddress.Loopback),
            r.Scalar("dns.port_range_start", Port, 10000),
            r.Scalar("dns.port_range_end", Port, 29999),
            r.Scalar("dns.ttl_min", text => Duration(text, TimeSpan.Zero, TimeSpan.FromDays(1)), TimeSpan.FromSeconds(5)),
            r.Scalar("dns.ttl_max", text => Duration(text, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)), TimeSpan.FromHours(1)),
            r.Scalar("dns.ttl_grace", text => Duration(text, TimeSpan.Zero, TimeSpan.FromHours(1)), TimeSpan.FromSeconds(30)),
            r.Scalar("dns.blocked_rcode", text => OneOf(text, new Dictionary<string, BlockedRcode> { ["refused"] = BlockedRcode.Refused, ["nxdomain"] = BlockedRcode.NxDomain }), BlockedRcode.Refused),
            r.Scalar("dns.rebinding_protection", Boolean, true),
            [.. r.List("dns.upstream_servers", text => Endpoint.Parse(text, RuleSetReader.DnsPort, "dns.upstream_servers"))],
            r.Scalar("dns.busy_poll", BusyPoll, DnsSettings.DefaultBusyPoll));
        if (dns.PortRangeStart > dns.PortRangeEnd)
            r.Fail("dns.port_range_start", $"{dns.PortRangeStart} is above dns.port_range_end ({dns.PortRangeEnd})");
        if (dns.TtlMin > dns.TtlMax)
            r.Fail("dns.ttl_min", $"{dns.TtlMin} is longer than dns.ttl_max ({dns.TtlMax})");

        var log = new LogSettings(
            r.Scalar("log.format", text => OneOf(text, new Dictionary<string, LogFormat> { ["text"] = LogFormat.Text, ["json"] = LogFormat.Json }), LogFormat.Text),
            r.Scalar("log.level", text => OneOf(text, Enum.GetValues<LogVerbosity>().ToDictionary(v => v.ToString().ToLowerInvariant())), LogVerbosity.Information));

        var attach = new AttachWithoutControlPlaneSettings(
            r.Scalar("attach_without_control_plane.policy", text => OneOf(text, new Dictionary<string, AttachWithoutControlPlanePolicy>
            {
                ["fail"] = AttachWithoutControlPlanePolicy.Fail,
                ["default"] = AttachWithoutControlPlanePolicy.Default,
            }), AttachWithoutControlPlanePolicy.Fail),
            r.Scalar("attach_without_control_plane.default_mode", text => OneOf(text, new Dictionary<string, PolicyMode>
            {
                ["block_all"] = PolicyMode.BlockAll,
                ["allowlist"] = PolicyMode.Allowlist,
                ["denylist"] = PolicyMode.Denylist,
                ["disabled"] = PolicyMode.Disabled,
            }), PolicyMode.BlockAll));

        return new DaemonConfiguration(socket, dataDirectory, hostname, metadata, controlPlane, dns, log, attach, sourceFile, datapath);
    }

    static IPEndPoint TcpAddress(string text)
    {
        // Only an explicit ip:port: a TCP listener is a deliberate choice, so nothing about it is defaulted.
        if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0 || !text.Contains(':'))
            throw new FormatException($"'{text}' is not an ip:port (e.g. 127.0.0.1:9090)");
        return endpoint;
    }

    static string ObjectPath(string text)
    {
        if (text.Length == 0) throw new FormatException("the path is empty");
        if (text.Contains('\0')) throw new FormatException("the path contains a NUL character");
        return text;
    }

    static string AbsolutePath(string text, int maxBytes)
    {
        if (text.Length == 0) throw new FormatException("the path is empty");
        if (!text.StartsWith('/')) throw new FormatException($"'{text}' is not an absolute path");
        if (text.Contains('\0')) throw new FormatException("the path contains a NUL character");
        if (System.Text.Encoding.UTF8.GetByteCount(text) > maxBytes) throw new FormatException($"'{text}' is longer than {maxBytes} bytes");
        return text;
    }

    // Ports come from the range, so a port here would be ignored; refuse it instead.
    static IPAddress ListenAddress(string text)
    {
        if (!Cidr.TryParse(text + (text.Contains(':') ? "/128" : "/32"), out var host, out _))
            throw new FormatException($"'{text}' is not an IPv4 or IPv6 address (without a port: ports come from dns.port_range_start and dns.port_range_end)");
        return host.BaseAddress;
    }

    static string GroupName(string text)
    {
        if (text.Length is 0 or > 32 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') || text[0] == '-')
            throw new FormatException($"'{text}' is not a group name (letters, digits, '_', '-', '.'; at most 32)");
        return text;
    }

    static string HostName(string text)
    {
        if (text.Length is 0 or > 253 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            throw new FormatException($"'{text}' is not a host name");
        return text;
    }

    static Uri ControlPlaneAddress(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "unix"))
            throw new FormatException($"'{text}' is not an http://, https:// or unix:// address (e.g. https://control.example:8443)");
        if (uri.Scheme != "unix" && (uri.Host.Length == 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0))
            throw new FormatException($"'{text}' must be scheme://host:port with no path");
        if (uri.Scheme == "unix" && uri.AbsolutePath.Length <= 1)
            throw new FormatException($"'{text}' names no socket path (write unix:///path/to.sock)");
        return uri;
    }

    static TimeSpan Duration(string text, TimeSpan min, TimeSpan max)
    {
        var value = DurationText.Parse(text);
        if (value < min || value > max) throw new FormatException($"{text} is outside the allowed range {min} to {max}");
        return value;
    }

    // Microseconds are its natural unit (a sleeping thread's wake-up costs tens of them), which durations elsewhere lack.
    static TimeSpan BusyPoll(string text)
    {
        TimeSpan value;
        if (text == "0") value = TimeSpan.Zero;
        else if (text.EndsWith("us", StringComparison.Ordinal))
        {
            if (text.Length > 11 || !long.TryParse(text.AsSpan(0, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out long us))
                throw new FormatException($"'{text}' is not a duration (use whole microseconds, e.g. 50us, or 0 to turn busy polling off)");
            value = TimeSpan.FromMicroseconds(us);
        }
        else
        {
            try
            {
                value = DurationText.Parse(text);
            }
            catch (FormatException)
            {
                throw new FormatException($"'{text}' is not a duration (use whole microseconds, e.g. 50us, or 0 to turn busy polling off)");
            }
        }
        if (value > DnsSettings.MaxBusyPoll) throw new FormatException($"{text} is longer than the most allowed, {DnsSettings.MaxBusyPoll.TotalMicroseconds:0}us");
        return value;
    }

    static int Port(string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new FormatException($"'{text}' is not a port number from 1 to 65535");
        return port;
    }

    static bool Boolean(string text) => text switch
    {
        "true" => true,
        "false" => false,
        _ => throw new FormatException($"'{text}' is not true or false"),
    };

    static T OneOf<T>(string text, Dictionary<string, T> choices) =>
        choices.TryGetValue(text.ToLowerInvariant(), out var value)
            ? value
            : throw new FormatException($"'{text}' is not one of {string.Join(", ", choices.Keys)}");
}
