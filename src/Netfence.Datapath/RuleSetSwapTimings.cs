namespace Netfence.Datapath;

/// <summary>
/// Where the time of one whole-rule-set swap (<see cref="RuleSetWriter.Apply"/>) went, phase by phase in the order
/// they run: the new set is enforced at the end of <see cref="Flip"/>; <see cref="GraceWait"/> and <see cref="Clear"/>
/// come after it (and, rarely, before the write too, when a set retired earlier still had to be cleared first).
/// </summary>
/// <param name="Prefixes">Prefixes written into the new set.</param>
/// <param name="Prepare">Folding the rules (and kept learned IPs) into one entry per prefix.</param>
/// <param name="Write">The new set's batch writes into the tries (BPF_MAP_UPDATE_BATCH).</param>
/// <param name="Flip">The attachment entry switched to the new set in one map update, and its DNS endpoints.</param>
/// <param name="GraceWait">Waiting until no program can still be reading a retired set (the kernel's RCU grace period).</param>
/// <param name="Clear">Deleting the retired set's entries (BPF_MAP_DELETE_BATCH).</param>
public sealed record RuleSetSwapTimings(int Prefixes, TimeSpan Prepare, TimeSpan Write, TimeSpan Flip, TimeSpan GraceWait, TimeSpan Clear)
{
    /// <summary>From the call until the new set was enforced.</summary>
    public TimeSpan UntilEnforced => Prepare + Write + Flip;

    /// <summary>The whole call.</summary>
    public TimeSpan Total => Prepare + Write + Flip + GraceWait + Clear;
}
