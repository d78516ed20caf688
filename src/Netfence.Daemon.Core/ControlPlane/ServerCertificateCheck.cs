using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Netfence.Daemon.ControlPlane;

/// <summary>
/// Verifies the control plane's certificate: against the CAs of <c>control_plane.tls.ca_file</c> only (not the
/// system store) when one is given, and for <c>control_plane.tls.server_name</c> instead of the address's host when
/// that is given. Remembers why it last refused, because the TLS stack reports only that the callback said no.
/// </summary>
sealed class ServerCertificateCheck(X509Certificate2Collection? authorities, string? serverName)
{
    static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    volatile string? lastRefusal;

    /// <summary>Why the last refused certificate was refused, or null.</summary>
    public string? LastRefusal => lastRefusal;

    /// <summary>Forgets the last refusal (a new connection attempt starts).</summary>
    public void Forget() => lastRefusal = null;

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var refusal = Check(certificate, chain, errors);
        if (refusal is not null) lastRefusal = refusal;
        return refusal is null;
    }

    string? Check(X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return "the control plane presented no certificate";
        var certificate = presented as X509Certificate2 ?? new X509Certificate2(presented);
        if (serverName is not null)
        {
            // SocketsHttpHandler checks the name against the address's host; the configured name replaces that check.
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
            if (!certificate.MatchesHostname(serverName))
                return $"the control plane's certificate ({certificate.Subject}) is not valid for control_plane.tls.server_name '{serverName}'";
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"the control plane's certificate ({certificate.Subject}) is not valid for the address's host name (set control_plane.tls.server_name if it carries another)";
        if (authorities is null)
            return errors == SslPolicyErrors.None ? null : $"the control plane's certificate ({certificate.Subject}) is not trusted by the system's CAs: {Describe(chain)}";

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        // Intermediates the server sent arrive in the system-built chain; they may link the leaf to our CA.
        if (chain is not null)
            foreach (var element in chain.ChainElements.Skip(1)) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        if (!custom.Build(certificate))
            return $"the control plane's certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not valid under control_plane.tls.ca_file: {Describe(custom)}";
        return null;
    }

    static string Describe(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0
            ? "no chain"
            : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
}
