namespace Netfence.Programs.Layout;

/// <summary>The counters of attachment index i sit at i * <see cref="PerAttachment"/> + offset.</summary>
public static class CounterSlots
{
    /// <summary>Counter slots per attachment.</summary>
    public const uint PerAttachment = 2;

    /// <summary>Packets, connects and sends let through.</summary>
    public const uint Allowed = 0;

    /// <summary>Packets dropped and calls rejected.</summary>
    public const uint Blocked = 1;
}
