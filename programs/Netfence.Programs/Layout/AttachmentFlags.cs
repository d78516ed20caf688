namespace Netfence.Programs.Layout;

/// <summary>Bits of <see cref="AttachmentValue.Flags"/>.</summary>
public static class AttachmentFlags
{
    /// <summary>Destinations in 127.0.0.0/8 and ::1 pass in every mode (cgroup attachments only).</summary>
    public const uint LoopbackAllowed = 1;

    /// <summary><see cref="AttachmentValue.DnsIp4"/> holds the attachment's DNS server.</summary>
    public const uint HasDns4 = 2;

    /// <summary><see cref="AttachmentValue.DnsIp6Word0"/> to word 3 hold the attachment's DNS server.</summary>
    public const uint HasDns6 = 4;
}
