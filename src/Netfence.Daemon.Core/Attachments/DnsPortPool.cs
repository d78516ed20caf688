namespace Netfence.Daemon.Attachments;

/// <summary>
/// The ports of dns.port_range_start..end handed to attachments' DNS servers, lowest free first, so a freed port is
/// reused. Thread-safe; O(log n) per operation.
/// </summary>
public sealed class DnsPortPool
{
    readonly SortedSet<int> _free = [];
    readonly Lock _gate = new();

    /// <summary>A pool of <paramref name="first"/>..<paramref name="last"/> inclusive.</summary>
    public DnsPortPool(int first, int last)
    {
        if (first is < 1 or > 65535 || last is < 1 or > 65535 || first > last)
            throw new ArgumentOutOfRangeException(nameof(first), $"{first}..{last} is not a port range");
        First = first;
        Last = last;
        for (int port = first; port <= last; port++) _free.Add(port);
    }

    /// <summary>The first port.</summary>
    public int First { get; }

    /// <summary>The last port.</summary>
    public int Last { get; }

    /// <summary>Ports not handed out.</summary>
    public int FreeCount
    {
        get
        {
            lock (_gate) return _free.Count;
        }
    }

    /// <summary>Takes the lowest free port, or null when every port is in use.</summary>
    public int? Rent()
    {
        lock (_gate)
        {
            if (_free.Count == 0) return null;
            int port = _free.Min;
            _free.Remove(port);
            return port;
        }
    }

    /// <summary>Marks a port in use that was handed out before a restart; false if it is outside the range or taken.</summary>
    public bool Reserve(int port)
    {
        lock (_gate) return _free.Remove(port);
    }

    /// <summary>Gives a port back (ports outside the range, e.g. ones an Attach request named, are ignored).</summary>
    public void Return(int port)
    {
        if (port < First || port > Last) return;
        lock (_gate) _free.Add(port);
    }
}
