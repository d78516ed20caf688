using Netfence.ControlPlane.Policies;
using Netfence.ControlPlane.Status;
using Netfence.Policy.Modes;

namespace Netfence.ControlPlane.Daemons;

/// <summary>
/// What the control plane knows about one attachment: what its daemon reported, what the policy source
/// wants, what was sent and what the daemon confirmed. Fields are read and written under
/// <see cref="sync"/>; <see cref="Gate"/> additionally serialises whole resolve-plan-send steps so
/// that commands for one attachment leave in the order they were planned.
/// </summary>
sealed class AttachmentState(AttachmentContext context)
{
    // Enough to recognise the version a reconnecting daemon reports after a burst of changes.
    const int HistoryLength = 8;

    readonly Lock sync = new();
    readonly LinkedList<DesiredState> history = new();

    /// <summary>Held while a step for this attachment resolves, plans and queues its command.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public AttachmentContext Context { get; private set; } = context;
    public string DnsAddress { get; private set; } = "";
    public PolicyMode ReportedMode { get; private set; }
    public DesiredState? Desired { get; private set; }
    public string? ResolveError { get; private set; }
    public string? SentVersion { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? AppliedVersion { get; private set; }
    public CommandOutcome? LastResult { get; private set; }
    public TrafficStats? Stats { get; private set; }

    /// <summary>The state the daemon confirmed and still holds, or null when unknown.</summary>
    DesiredState? confirmed;

    /// <summary>The state the daemon holds once it has processed everything sent, or null when unknown.</summary>
    DesiredState? current;

    public void Report(AttachmentContext context, string dnsAddress, PolicyMode mode, string ruleVersion)
    {
        lock (sync)
        {
            Context = context;
            DnsAddress = dnsAddress;
            ReportedMode = mode;
            // A version the daemon reports is what it enforces now; anything sent on an earlier stream
            // and not reflected in it was lost with that stream.
            confirmed = ruleVersion.Length == 0 ? null : history.FirstOrDefault(s => s.Version == ruleVersion);
            current = confirmed;
            AppliedVersion = ruleVersion.Length == 0 ? null : ruleVersion;
        }
    }

    /// <summary>A new Subscribed: the daemon starts from nothing we sent.</summary>
    public void Subscribe(AttachmentContext context, string dnsAddress, PolicyMode mode)
    {
        lock (sync)
        {
            Context = context;
            DnsAddress = dnsAddress;
            ReportedMode = mode;
            confirmed = current = null;
            AppliedVersion = null;
            SentVersion = null;
            LastResult = null;
        }
    }

    public void Resolved(DesiredState state)
    {
        lock (sync)
        {
            Desired = state;
            ResolveError = null;
        }
    }

    public void ResolveFailed(string error)
    {
        lock (sync) ResolveError = error;
    }

    /// <summary>Whether the daemon has, or will have once it processes its queue, <paramref name="state"/>.</summary>
    public bool Holds(DesiredState state)
    {
        lock (sync)
        {
            if (current is null && AppliedVersion == state.Version) Remember(current = confirmed = state);
            return current?.Version == state.Version;
        }
    }

    /// <summary>
    /// The state an incremental command may be planned against: one the daemon confirmed with nothing
    /// sent since. Anything else (a v1 daemon that never confirms, a command still in flight, a state
    /// unknown after a reconnect) returns null, and the planner falls back to a full replacement.
    /// </summary>
    public DesiredState? IncrementalBase()
    {
        lock (sync) return confirmed is not null && ReferenceEquals(confirmed, current) ? confirmed : null;
    }

    public void Sent(DesiredState state, DateTimeOffset at)
    {
        lock (sync)
        {
            Remember(state);
            current = state;
            SentVersion = state.Version;
            SentAt = at;
        }
    }

    public void Result(CommandOutcome outcome)
    {
        lock (sync)
        {
            LastResult = outcome;
            var state = history.FirstOrDefault(s => s.Version == outcome.Version);
            if (outcome.Accepted)
            {
                AppliedVersion = outcome.Version;
                confirmed = state;
                if (state is not null && SentVersion == state.Version) current = state;
            }
            else if (SentVersion == outcome.Version)
            {
                // Nothing of a rejected command was applied: the daemon kept the confirmed state.
                current = confirmed;
            }
        }
    }

    public void Heartbeat(TrafficStats stats)
    {
        lock (sync) Stats = stats;
    }

    void Remember(DesiredState state)
    {
        if (history.Any(s => s.Version == state.Version)) return;
        history.AddFirst(state);
        if (history.Count > HistoryLength) history.RemoveLast();
    }

    public AttachmentSnapshot Snapshot()
    {
        lock (sync)
        {
            return new AttachmentSnapshot(Context.DaemonId, Context.AttachmentId, Context.Target, Context.Type, Context.Metadata,
                DnsAddress, ReportedMode, Desired, ResolveError, SentVersion, SentAt, AppliedVersion, LastResult, Stats);
        }
    }
}
