using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace Netfence.Daemon.Configuration;

/// <summary>
/// Every known key, read from the embedded <c>netfenced.defaults.yaml</c> so that the documented
/// defaults and the set of accepted keys cannot drift apart. A non-empty mapping is a section; an
/// empty mapping is a map-valued key, a sequence a list-valued key, anything else a scalar key.
/// </summary>
sealed class SettingCatalogue
{
    /// <summary>The prefix of configuration environment variables.</summary>
    public const string EnvironmentPrefix = "NETFENCE_";

    public const string ResourceName = "netfenced.defaults.yaml";

    public IReadOnlyDictionary<string, SettingKind> Keys { get; }

    public IReadOnlySet<string> Sections { get; }

    /// <summary>Defaults by key; keys with "~" have none.</summary>
    public IReadOnlyDictionary<string, RawSetting> Defaults { get; }

    /// <summary>Key by environment variable name.</summary>
    public IReadOnlyDictionary<string, string> ByEnvironmentName { get; }

    public static SettingCatalogue Embedded { get; } = Load();

    SettingCatalogue(Dictionary<string, SettingKind> keys, HashSet<string> sections, Dictionary<string, RawSetting> defaults)
    {
        Keys = keys;
        Sections = sections;
        Defaults = defaults;
        var byEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys.Keys)
        {
            // Two keys with the same variable name would make one of them unreachable from the environment.
            if (!byEnv.TryAdd(EnvironmentName(key), key))
                throw new InvalidOperationException($"keys '{byEnv[EnvironmentName(key)]}' and '{key}' share the variable {EnvironmentName(key)}");
        }
        ByEnvironmentName = byEnv;
    }

    public static string EnvironmentName(string key) => EnvironmentPrefix + key.Replace('.', '_').ToUpperInvariant();

    static SettingCatalogue Load()
    {
        using var stream = typeof(SettingCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded {ResourceName} is missing from {typeof(SettingCatalogue).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var yaml = new YamlStream();
        yaml.Load(reader);
        var keys = new Dictionary<string, SettingKind>(StringComparer.Ordinal);
        var sections = new HashSet<string>(StringComparer.Ordinal);
        var defaults = new Dictionary<string, RawSetting>(StringComparer.Ordinal);
        Walk((YamlMappingNode)yaml.Documents[0].RootNode, "");
        return new SettingCatalogue(keys, sections, defaults);

        void Walk(YamlMappingNode mapping, string prefix)
        {
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = prefix + ((YamlScalarNode)keyNode).Value;
                const string source = "the built-in default";
                switch (value)
                {
                    case YamlMappingNode { Children.Count: > 0 } section:
                        sections.Add(key);
                        Walk(section, key + ".");
                        break;
                    case YamlMappingNode:
                        keys[key] = SettingKind.Map;
                        defaults[key] = new RawSetting(null, null, [], source);
                        break;
                    case YamlSequenceNode sequence:
                        keys[key] = SettingKind.List;
                        defaults[key] = new RawSetting(null, sequence.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList(), null, source);
                        break;
                    case YamlScalarNode scalar:
                        keys[key] = SettingKind.Scalar;
                        if (!YamlFile.IsNull(scalar)) defaults[key] = new RawSetting(scalar.Value, null, null, source);
                        break;
                }
            }
        }
    }
}
