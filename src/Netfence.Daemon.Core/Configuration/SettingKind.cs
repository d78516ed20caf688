namespace Netfence.Daemon.Configuration;

/// <summary>The shape of a configuration key's value, taken from the embedded defaults.</summary>
enum SettingKind
{
    /// <summary>One value (a YAML scalar).</summary>
    Scalar,
    /// <summary>A list (a YAML sequence; comma-separated in an environment variable).</summary>
    List,
    /// <summary>String pairs (a YAML mapping; k=v,k2=v2 in an environment variable).</summary>
    Map,
}
