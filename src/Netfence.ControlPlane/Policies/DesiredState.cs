using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Netfence.Policy.Modes;
using Netfence.Policy.Rules;

namespace Netfence.ControlPlane.Policies;

/// <summary>
/// What one attachment should enforce: the answer of an <see cref="IPolicySource"/>. Lists are kept
/// in a canonical order so that two states with the same rules are equal and share a
/// <see cref="Version"/> whatever order a source produced them in.
/// </summary>
/// <remarks>
/// The version is a digest of the content, not a counter. A daemon reports the version it last
/// applied in its SyncRequest (<c>Attachment.rule_version</c>); because the digest depends only on the
/// rules, any control-plane process (a restarted one, another replica) can tell from it alone whether
/// the daemon is already up to date, and a reconnect costs nothing when it is. This is how xDS
/// management servers compare a node's <c>version_info</c> with a snapshot's version.
/// </remarks>
public sealed class DesiredState : IEquatable<DesiredState>
{
    /// <summary>Nothing passes and DNS refuses every name: what an attachment gets when no policy can be resolved.</summary>
    public static DesiredState BlockAll { get; } = new(PolicyMode.BlockAll, [], [], new DnsPolicy(DnsMode.Allowlist, [], [], []));

    readonly Lazy<string> version;

    /// <summary>Creates a state.</summary>
    /// <exception cref="ArgumentException">The mode is unspecified or undefined, or a network appears twice in one list.</exception>
    public DesiredState(PolicyMode mode, IEnumerable<CidrGrant> allowCidrs, IEnumerable<CidrGrant> denyCidrs, DnsPolicy dns)
    {
        // A control plane never sends an unspecified mode on purpose: the daemon would enforce it as
        // block-all, but the operator who wrote it meant something else.
        if (mode == PolicyMode.Unspecified || !Enum.IsDefined(mode))
            throw new ArgumentException($"policy mode {mode} is not one a control plane may send", nameof(mode));
        ArgumentNullException.ThrowIfNull(dns);
        if (dns.Mode == DnsMode.Unspecified)
            throw new ArgumentException("the DNS mode is unspecified; say Disabled, Allowlist, Denylist or Proxy", nameof(dns));
        Mode = mode;
        AllowCidrs = Canonical(allowCidrs, nameof(allowCidrs));
        DenyCidrs = Canonical(denyCidrs, nameof(denyCidrs));
        Dns = new DnsPolicy(dns.Mode,
            dns.AllowDomains.OrderBy(r => r.Pattern, StringComparer.Ordinal),
            dns.DenyDomains.OrderBy(r => r.Pattern, StringComparer.Ordinal),
            dns.Upstreams);
        version = new Lazy<string>(ComputeVersion);
    }

    /// <summary>The policy mode.</summary>
    public PolicyMode Mode { get; }

    /// <summary>Networks allowed in allowlist mode, ordered by network.</summary>
    public ImmutableArray<CidrGrant> AllowCidrs { get; }

    /// <summary>Networks blocked in denylist mode, ordered by network.</summary>
    public ImmutableArray<CidrGrant> DenyCidrs { get; }

    /// <summary>The DNS configuration; domain lists ordered by pattern, upstreams in the order given (it is a preference).</summary>
    public DnsPolicy Dns { get; }

    /// <summary>A digest of the content (16 hex digits) sent as <c>ControlCommand.version</c>.</summary>
    public string Version => version.Value;

    static ImmutableArray<CidrGrant> Canonical(IEnumerable<CidrGrant> grants, string name)
    {
        ArgumentNullException.ThrowIfNull(grants, name);
        var list = grants.OrderBy(g => g.Network.ToString(), StringComparer.Ordinal).ToImmutableArray();
        for (int i = 1; i < list.Length; i++)
        {
            if (list[i].Network == list[i - 1].Network) throw new ArgumentException($"{list[i].Network} appears twice", name);
        }
        return list;
    }

    string ComputeVersion()
    {
        var text = new StringBuilder();
        text.Append("mode=").Append((int)Mode).Append('\n');
        foreach (var g in AllowCidrs) text.Append("allow=").Append(g.Network).Append(' ').Append(g.Ttl?.Ticks).Append('\n');
        foreach (var g in DenyCidrs) text.Append("deny=").Append(g.Network).Append(' ').Append(g.Ttl?.Ticks).Append('\n');
        text.Append("dns=").Append((int)Dns.Mode).Append('\n');
        foreach (var d in Dns.AllowDomains) text.Append("allow_domain=").Append(d.Name).Append(' ').Append((int)d.Match).Append('\n');
        foreach (var d in Dns.DenyDomains) text.Append("deny_domain=").Append(d.Name).Append(' ').Append((int)d.Match).Append('\n');
        foreach (var u in Dns.Upstreams) text.Append("upstream=").Append(u).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 8));
    }

    /// <inheritdoc/>
    public bool Equals(DesiredState? other) => other is not null && Version == other.Version;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DesiredState);

    /// <inheritdoc/>
    public override int GetHashCode() => Version.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Mode} allow=[{string.Join(", ", AllowCidrs)}] deny=[{string.Join(", ", DenyCidrs)}] dns={Dns.Mode} " +
        $"allow_domains=[{string.Join(", ", Dns.AllowDomains.Select(d => d.Pattern))}] deny_domains=[{string.Join(", ", Dns.DenyDomains.Select(d => d.Pattern))}] version={Version}";
}
