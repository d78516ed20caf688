namespace Netfence.Daemon.Configuration;

/// <summary>A key's value before typing, with where it came from for error messages.</summary>
sealed record RawSetting(string? Scalar, IReadOnlyList<string>? List, IReadOnlyList<KeyValuePair<string, string>>? Map, string Source);
