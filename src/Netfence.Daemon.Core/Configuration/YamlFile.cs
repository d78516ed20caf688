using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Netfence.Daemon.Configuration;

/// <summary>Reads a configuration file into raw settings, checking every key against the catalogue.</summary>
static class YamlFile
{
    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>Adds the file's settings to <paramref name="values"/>; problems go to <paramref name="errors"/>.</summary>
    public static void Read(string path, string text, SettingCatalogue catalogue, Dictionary<string, RawSetting> values, List<string> errors)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            errors.Add($"{path} line {e.Start.Line} column {e.Start.Column}: {(e.InnerException ?? e).Message}");
            return;
        }
        if (yaml.Documents.Count == 0) return;
        if (yaml.Documents.Count > 1) errors.Add($"{path}: holds {yaml.Documents.Count} YAML documents; netfenced reads one");
        switch (yaml.Documents[0].RootNode)
        {
            case YamlMappingNode root:
                Walk(root, "");
                break;
            case YamlScalarNode scalar when IsNull(scalar):
                break;
            case var other:
                errors.Add($"{path} line {other.Start.Line}: the file must be a mapping of keys (e.g. 'socket:'), not a {NodeKind(other)}");
                break;
        }

        void Walk(YamlMappingNode mapping, string prefix)
        {
            foreach (var (keyNode, value) in mapping.Children)
            {
                var where = $"{path} line {keyNode.Start.Line}";
                if (keyNode is not YamlScalarNode { Value: { } name })
                {
                    errors.Add($"{where}: a key must be a plain name");
                    continue;
                }
                var key = prefix + name;
                if (catalogue.Sections.Contains(key))
                {
                    if (value is YamlMappingNode section) Walk(section, key + ".");
                    else if (!(value is YamlScalarNode s && IsNull(s)))
                        errors.Add($"{key} ({where}): is a section and needs keys below it ({Children(catalogue, key)}), not a {NodeKind(value)}");
                    continue;
                }
                if (!catalogue.Keys.TryGetValue(key, out var kind))
                {
                    var parent = prefix.Length == 0 ? null : prefix[..^1];
                    errors.Add($"{key} ({where}): unknown key; known keys {(parent is null ? "at the top level" : "under " + parent)}: {Children(catalogue, parent)}");
                    continue;
                }
                var source = $"{path} line {value.Start.Line}";
                switch (kind, value)
                {
                    case (_, YamlScalarNode scalar) when IsNull(scalar):
                        break; // An empty value keeps the default.
                    case (SettingKind.Scalar, YamlScalarNode scalar):
                        values[key] = new RawSetting(scalar.Value, null, null, source);
                        break;
                    case (SettingKind.List, YamlSequenceNode sequence) when sequence.Children.All(c => c is YamlScalarNode):
                        values[key] = new RawSetting(null, sequence.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList(), null, source);
                        break;
                    case (SettingKind.Map, YamlMappingNode map) when map.Children.All(p => p.Key is YamlScalarNode && p.Value is YamlScalarNode):
                        values[key] = new RawSetting(null, null,
                            map.Children.Select(p => new KeyValuePair<string, string>(((YamlScalarNode)p.Key).Value ?? "", ((YamlScalarNode)p.Value).Value ?? "")).ToList(), source);
                        break;
                    default:
                        errors.Add($"{key} ({source}): needs {KindName(kind)}, not a {NodeKind(value)}");
                        break;
                }
            }
        }
    }

    static string Children(SettingCatalogue catalogue, string? parent)
    {
        var prefix = parent is null ? "" : parent + ".";
        return string.Join(", ", catalogue.Keys.Keys.Concat(catalogue.Sections)
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !k[prefix.Length..].Contains('.'))
            .Select(k => k[prefix.Length..]).Distinct().Order(StringComparer.Ordinal));
    }

    static string KindName(SettingKind kind) => kind switch
    {
        SettingKind.List => "a list of values",
        SettingKind.Map => "a mapping of names to values",
        _ => "a single value",
    };

    static string NodeKind(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "single value",
    };
}
