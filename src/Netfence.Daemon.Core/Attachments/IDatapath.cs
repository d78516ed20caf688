using System.Net;
using Netfence.Datapath;
using Netfence.Policy.Rules;

namespace Netfence.Daemon.Attachments;

/// <summary>
/// The kernel side of attachments as the manager needs it: filters attached and pinned per attachment, rule sets
/// switched atomically, learned IPs, counters, and adoption after a restart. Implemented over the shared pinned maps
/// by <see cref="KernelDatapath"/>; thread-safe.
/// </summary>
public interface IDatapath : IDisposable
{
    /// <summary>
    /// Writes the attachment's entry with <paramref name="initial"/> (the fail-closed rules), then attaches and pins
    /// the filter. All or nothing: on failure nothing of it stays in the kernel.
    /// </summary>
    void Attach(string id, ResolvedTarget target, RuleSet initial, IPEndPoint dns);

    /// <summary>Switches the attachment to <paramref name="rules"/> in one step; learned IPs are kept.</summary>
    /// <returns>Where the time of the swap went, phase by phase.</returns>
    RuleSetSwapTimings Apply(ResolvedTarget target, RuleSet rules, IPEndPoint dns);

    /// <summary>
    /// Allows learned addresses until exactly their expiry (before the DNS answer is released): each entry is the
    /// longest expiry the DNS server's teachings give the address, so a shorter one than before shortens it.
    /// </summary>
    void Learn(ResolvedTarget target, IReadOnlyList<LearnedIp> entries);

    /// <summary>Revokes learned addresses (static rules for the same prefixes stay).</summary>
    void Forget(ResolvedTarget target, IReadOnlyList<IPAddress> addresses);

    /// <summary>Detaches and unpins the filter and removes the attachment's map entries.</summary>
    void Remove(string id, ResolvedTarget target);

    /// <summary>Packets allowed and blocked so far.</summary>
    (ulong Allowed, ulong Blocked) Counters(ResolvedTarget target);

    /// <summary>
    /// After a restart: adopts the pinned filters and map entries of <paramref name="live"/> (changing nothing that
    /// is already right, repairing what is not) and removes every pin and entry that belongs to no live attachment.
    /// </summary>
    DatapathRestore Restore(IReadOnlyList<RestoredAttachment> live);

    /// <summary>Removes every filter, pin and map entry netfenced made (stop --remove-filters).</summary>
    void RemoveEverything();
}
