using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Netfence.Daemon.Configuration;
using Netfence.Protocol.Transport;

namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// Builds the gRPC channel to the control plane from <see cref="ControlPlaneSettings"/>: http:// (HTTP/2 without
/// TLS), https:// (with the configured CAs and client certificate) or unix:// (a local socket), always with HTTP/2
/// keepalive pings so that a control plane that vanished is noticed within seconds, not when TCP gives up
/// (pitfall 24). One channel serves the stream and the unary QueryDns calls.
/// </summary>
static class ControlPlaneChannel
{
    /// <summary>Creates the channel; the check reports why the last server certificate was refused.</summary>
    /// <exception cref="ConfigurationException">A TLS file cannot be read or is not PEM of the expected kind.</exception>
    public static (GrpcChannel Channel, ServerCertificateCheck? Check) Create(ControlPlaneSettings settings, ILoggerFactory? loggerFactory)
    {
        var address = settings.Address ?? throw new ArgumentException("the control plane has no address", nameof(settings));
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = settings.KeepaliveInterval,
            KeepAlivePingTimeout = settings.KeepaliveTimeout,
            // Pings also while no call is active, so a connection a QueryDns is about to use is known to be alive.
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            // A connection that cannot be made within the keepalive timeout would not pass a ping either.
            ConnectTimeout = settings.KeepaliveTimeout,
            // The stream is long-lived; the pool must not retire its connection for being old or idle.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
        };
        ServerCertificateCheck? check = null;
        Uri channelAddress;
        switch (address.Scheme)
        {
            case "unix":
                var path = address.AbsolutePath;
                handler.ConnectCallback = (_, cancellationToken) => UnixSocketTransport.ConnectAsync(path, cancellationToken);
                // The authority is only a header here; the socket path decides where the connection goes.
                channelAddress = new Uri("http://localhost");
                break;
            case "https":
                check = new ServerCertificateCheck(settings.Tls.CaFile is { } ca ? ReadAuthorities(ca) : null, settings.Tls.ServerName);
                handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = check.Validate };
                if (settings.Tls.CertFile is { } cert)
                    handler.SslOptions.ClientCertificates = [ReadClientCertificate(cert, settings.Tls.KeyFile!)];
                channelAddress = address;
                break;
            case "http":
                channelAddress = address;
                break;
            default:
                throw new ArgumentException($"'{address}' is not an http://, https:// or unix:// address", nameof(settings));
        }
        var channel = GrpcChannel.ForAddress(channelAddress, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // gRPC's default 4 MiB receive limit would refuse a BulkUpdate of some 100,000 rules and end the stream.
            MaxReceiveMessageSize = settings.MaxMessageSize,
            MaxSendMessageSize = settings.MaxMessageSize,
            LoggerFactory = loggerFactory,
        });
        return (channel, check);
    }

    static X509Certificate2Collection ReadAuthorities(string path)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ConfigurationException([$"control_plane.tls.ca_file ({path}): cannot be read as PEM certificates: {e.Message}"]);
        }
        if (authorities.Count == 0)
            throw new ConfigurationException([$"control_plane.tls.ca_file ({path}): holds no PEM certificate"]);
        return authorities;
    }

    static X509Certificate2 ReadClientCertificate(string certPath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ConfigurationException([$"control_plane.tls.cert_file ({certPath}) with control_plane.tls.key_file ({keyPath}): cannot be read as a PEM certificate and its key: {e.Message}"]);
        }
    }
}
