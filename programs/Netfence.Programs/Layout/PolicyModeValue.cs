namespace Netfence.Programs.Layout;

/// <summary>
/// The mode in an attachment entry, numbered like Netfence.Policy's PolicyMode and the protocol. The datapath
/// treats every other value, <see cref="Unspecified"/> included, as <see cref="BlockAll"/> (pitfall 9).
/// </summary>
public static class PolicyModeValue
{
    /// <summary>No mode: enforced as block-all.</summary>
    public const uint Unspecified = 0;
    /// <summary>Everything passes (other attachments' DNS endpoints excepted).</summary>
    public const uint Disabled = 1;
    /// <summary>Only allowed prefixes pass.</summary>
    public const uint Allowlist = 2;
    /// <summary>Nothing passes but the own DNS endpoint (and loopback where the attachment allows it).</summary>
    public const uint BlockAll = 3;
    /// <summary>Everything but denied prefixes passes.</summary>
    public const uint Denylist = 4;
}
