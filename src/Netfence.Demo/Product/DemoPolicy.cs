using Netfence.Sandbox.Lab;

namespace Netfence.Demo.Product;

/// <summary>
/// The demo's policy file for the built-in control plane, before and after the live edit. Attachments are matched
/// by the metadata they were attached with (<c>workload=build-job</c>, <c>workload=vm</c>); anything else is blocked.
/// </summary>
static class DemoPolicy
{
    public const string BuildJob = "build-job";
    public const string Vm = "vm";

    /// <summary>The policy. <paramref name="edited"/>: the VM may also resolve denied.example, and build jobs are blocked entirely.</summary>
    public static string Yaml(LocalInternet internet, bool edited)
    {
        var partner = internet.Network.Internet(DemoHosts.Partner);
        var buildJobs = edited
            ? """
                  mode: block_all              # edited: build jobs may reach nothing any more
              """
            : $$"""
                  mode: allowlist
                  allow_cidrs: [{{partner}}/32]
                  dns:
                    mode: allowlist
                    allow:
                      - {domain: allowed.example, include_subdomains: true}
              """;
        var vmNames = edited ? "[allowed.example, denied.example]   # edited: denied.example added" : "[allowed.example]";
        return $$"""
            # The demo's policy for netfenced's built-in control plane (reloaded when this file changes).
            default:
              mode: block_all
            policies:
              - name: build-jobs
                match: {workload: {{BuildJob}}}
            {{buildJobs}}
              - name: vms
                match: {workload: {{Vm}}}
                mode: allowlist
                dns:
                  mode: allowlist
                  allow: {{vmNames}}

            """;
    }
}
