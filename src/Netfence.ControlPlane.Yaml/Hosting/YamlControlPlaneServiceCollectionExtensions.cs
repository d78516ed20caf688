using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Netfence.ControlPlane.Hosting;
using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Yaml.Loading;

namespace Netfence.ControlPlane.Yaml.Hosting;

/// <summary>Registers the built-in control plane in an ASP.NET Core host.</summary>
public static class YamlControlPlaneServiceCollectionExtensions
{
    /// <summary>
    /// Adds the control-plane SDK with a <see cref="YamlPolicySource"/> reading <paramref name="policyPath"/>
    /// (the embedded default policy when null). Map it with <c>MapNetfenceControlPlane()</c>.
    /// </summary>
    public static IServiceCollection AddNetfenceYamlControlPlane(this IServiceCollection services, string? policyPath,
        Action<YamlPolicyOptions>? configureYaml = null, Action<ControlPlaneOptions>? configure = null)
    {
        var yamlOptions = new YamlPolicyOptions();
        configureYaml?.Invoke(yamlOptions);
        services.AddSingleton(sp => new YamlPolicySource(policyPath, yamlOptions, sp.GetRequiredService<ILogger<YamlPolicySource>>()));
        services.AddSingleton<IPolicySource>(sp => sp.GetRequiredService<YamlPolicySource>());
        return services.AddNetfenceControlPlane(configure);
    }
}
