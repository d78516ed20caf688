namespace Netfence.Daemon.Attachments;

/// <summary>How writing learned IPs went (the DNS server answers SERVFAIL on anything but <see cref="Written"/>).</summary>
public enum LearnOutcome
{
    /// <summary>In the kernel and the store.</summary>
    Written,
    /// <summary>A datapath map is full (pitfall 13).</summary>
    MapFull,
    /// <summary>The attachment no longer exists.</summary>
    AttachmentGone,
    /// <summary>The kernel or the store failed.</summary>
    Error,
}
