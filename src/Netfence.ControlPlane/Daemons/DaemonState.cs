using System.Collections.Concurrent;
using Netfence.ControlPlane.Status;
using Netfence.Policy.Metadata;

namespace Netfence.ControlPlane.Daemons;

/// <summary>One daemon: identity, connection and its attachments. Survives stream loss so that a resync can compare.</summary>
sealed class DaemonState(string daemonId)
{
    readonly Lock sync = new();

    public string DaemonId { get; } = daemonId;
    public string Hostname { get; private set; } = "";
    public AttachmentMetadata Metadata { get; private set; } = AttachmentMetadata.Empty;
    public DaemonConnectionState State { get; private set; } = DaemonConnectionState.Disconnected;
    public DateTimeOffset ConnectedAt { get; private set; }
    public DateTimeOffset LastSeen { get; private set; }
    public bool ReportsCommandResults { get; private set; }
    public DaemonSession? Session { get; private set; }

    public ConcurrentDictionary<string, AttachmentState> Attachments { get; } = new(StringComparer.Ordinal);

    /// <summary>Makes <paramref name="session"/> current; returns the stream it replaces, if any.</summary>
    public DaemonSession? Connect(DaemonSession session, string hostname, AttachmentMetadata metadata, DateTimeOffset now)
    {
        lock (sync)
        {
            var previous = Session;
            Session = session;
            Hostname = hostname;
            Metadata = metadata;
            State = DaemonConnectionState.Connected;
            ConnectedAt = LastSeen = now;
            return ReferenceEquals(previous, session) ? null : previous;
        }
    }

    /// <summary>Marks the daemon disconnected if <paramref name="session"/> is still its stream.</summary>
    public bool Disconnect(DaemonSession session)
    {
        lock (sync)
        {
            if (!ReferenceEquals(Session, session)) return false;
            Session = null;
            State = DaemonConnectionState.Disconnected;
            return true;
        }
    }

    public void Seen(DateTimeOffset now)
    {
        lock (sync) LastSeen = now;
    }

    public void SawCommandResult()
    {
        lock (sync) ReportsCommandResults = true;
    }

    public DaemonSnapshot Snapshot()
    {
        lock (sync)
        {
            return new DaemonSnapshot(DaemonId, Hostname, Metadata, State, ConnectedAt, LastSeen, ReportsCommandResults,
                Attachments.Values.Select(a => a.Snapshot()).OrderBy(a => a.Id, StringComparer.Ordinal).ToList());
        }
    }
}
