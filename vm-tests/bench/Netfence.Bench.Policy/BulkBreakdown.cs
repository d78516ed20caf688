using System.Diagnostics;
using Google.Protobuf;
using Proto = Netfence.Protocol.V1;

namespace Netfence.Bench.Policy;

/// <summary>
/// Where one BulkUpdate's time went, in ms, phase by phase in the order it is spent: in the control plane on the SDK
/// (timed in this process), between the two processes, and in netfenced (its CommandApplied Debug line). The phases
/// up to the flip add up to when the kernel enforced the new set; the daemon goes on after it (grace period, clearing
/// the old set, store) before it acknowledges. Both processes read the same host's wall clock. "Seen" is when the
/// benchmark's connect saw the change, from the end of the flip (which also updates the DNS endpoints after the switch,
/// so it can be slightly negative).
/// </summary>
internal sealed record BulkBreakdown(double EnforcedMs, double PlanMs, double SendMs, double SerialiseMs, double ParseMs, int MessageBytes,
    double ValidateMs, double PrepareMs, double KernelWriteMs, double FlipMs, double SeenMs, double GraceWaitMs, double ClearMs, double StoreMs, double DnsMs)
{
    /// <summary>The phases as the policy table lists them: name, where it happens, and its value.</summary>
    public static readonly IReadOnlyList<(string Name, string Where, Func<BulkBreakdown, double> Of)> Phases =
    [
        ("resolve the state, plan the commands, build the message", "control plane (SDK)", b => b.PlanMs),
        ("serialise, send over HTTP/2, parse, queue for the attachment", "both processes", b => b.SendMs),
        ("… for scale: protobuf serialisation of the same message, timed alone after the round", "control plane", b => b.SerialiseMs),
        ("… for scale: protobuf parse of its bytes, timed alone after the round", "netfenced", b => b.ParseMs),
        ("validate the command and build the new rule set", "netfenced", b => b.ValidateMs),
        ("fold the rules into one entry per prefix", "netfenced (RuleSetWriter)", b => b.PrepareMs),
        ("write the new set into the trie (BPF_MAP_UPDATE_BATCH)", "kernel maps", b => b.KernelWriteMs),
        ("flip the attachment to the new set (one map update): enforced", "kernel maps", b => b.FlipMs),
        ("until the cgroup's connect saw the change", "the benchmark's probe", b => b.SeenMs),
        ("after enforcement: RCU grace period before the old set is cleared", "kernel", b => b.GraceWaitMs),
        ("after enforcement: clear the old set (BPF_MAP_DELETE_BATCH)", "kernel maps", b => b.ClearMs),
        ("after enforcement: store the rules (SQLite, fsync)", "netfenced store", b => b.StoreMs),
        ("after enforcement: configure DNS, revoke stale learned IPs", "netfenced", b => b.DnsMs),
    ];

    /// <summary>
    /// Lines up the SDK's write of the command and the daemon's log of applying it with the round's publish and
    /// enforcement; then, outside the timed round, serialises the message and parses its bytes again to say what
    /// protobuf's share of the send was.
    /// </summary>
    public static BulkBreakdown Of(DateTimeOffset published, DateTimeOffset enforced, CommandWriteTimer.Write write, AppliedCommandLog applied)
    {
        static double Ms(DateTimeOffset from, DateTimeOffset to) => (to - from).TotalMilliseconds;
        var flipped = applied.Began.AddMilliseconds(applied.ValidateMs + applied.PrepareMs + applied.WriteMs + applied.FlipMs);
        long start = Stopwatch.GetTimestamp();
        var bytes = write.Message.ToByteArray();
        long serialised = Stopwatch.GetTimestamp();
        Proto.ControlCommand.Parser.ParseFrom(bytes);
        long parsed = Stopwatch.GetTimestamp();
        return new BulkBreakdown(Ms(published, enforced), Ms(published, write.Began), Ms(write.Began, applied.Began),
            Stopwatch.GetElapsedTime(start, serialised).TotalMilliseconds, Stopwatch.GetElapsedTime(serialised, parsed).TotalMilliseconds, bytes.Length,
            applied.ValidateMs, applied.PrepareMs, applied.WriteMs, applied.FlipMs, Ms(flipped, enforced),
            applied.GraceWaitMs, applied.ClearMs, applied.StoreMs, applied.DnsMs);
    }
}
