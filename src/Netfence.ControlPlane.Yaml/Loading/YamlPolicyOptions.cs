namespace Netfence.ControlPlane.Yaml.Loading;

/// <summary>Settings of the YAML policy source.</summary>
public sealed class YamlPolicyOptions
{
    /// <summary>
    /// How long the file must be quiet after a change before it is read. Editors write a file in
    /// several steps (truncate, write, rename); reading after the burst avoids parsing half a file.
    /// </summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often the file's hash is checked even without a change notification, for file systems and
    /// replacements (e.g. a Kubernetes ConfigMap's symlink swap) that inotify does not report.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
