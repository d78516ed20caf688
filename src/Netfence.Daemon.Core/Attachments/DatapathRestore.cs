namespace Netfence.Daemon.Attachments;

/// <summary>What <see cref="IDatapath.Restore"/> did.</summary>
/// <param name="Unchanged">Ids adopted as the kernel had them.</param>
/// <param name="Repaired">Ids whose filter or rules had to be (re)written.</param>
/// <param name="OrphansRemoved">Pins and map entries that belonged to no live attachment.</param>
public sealed record DatapathRestore(IReadOnlyList<string> Unchanged, IReadOnlyList<string> Repaired, int OrphansRemoved);
