namespace Netfence.Daemon.Attachments;

/// <summary>What a starting daemon did with the attachments it found in its store and pins.</summary>
/// <param name="Unchanged">Adopted exactly as the kernel had them.</param>
/// <param name="Repaired">Adopted after rewriting their filter or rules.</param>
/// <param name="Removed">Their targets vanished while the daemon was down; removed and reported to the control plane.</param>
/// <param name="OrphansRemoved">Pins and map entries no stored attachment owned (an attach a crash interrupted).</param>
/// <param name="DnsFailures">Attachments whose DNS server could not be reopened on its address; their filters still enforce.</param>
public sealed record RestoreReport(
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> Repaired,
    IReadOnlyList<string> Removed,
    int OrphansRemoved,
    IReadOnlyList<string> DnsFailures);
