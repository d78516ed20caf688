namespace Netfence.Daemon.KernelTests.Processes;

/// <summary>
/// The policy file the built-in control plane reads in the daemon's kernel tests and the policy benchmark: every
/// attachment in allowlist mode with exactly <c>allowed</c> as CIDR rules and no DNS names.
/// </summary>
static class CidrAllowlistPolicy
{
    public static string Yaml(params string[] allowed) => $"""
        default:
          mode: allowlist
          allow_cidrs: [{string.Join(", ", allowed)}]
          deny_cidrs: []
          dns:
            mode: allowlist
            allow: []
            deny: []
            upstreams: []
        policies: []
        """;
}
