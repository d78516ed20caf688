namespace Netfence.Dns.Learning;

/// <summary>Why a write to the kernel allowlist failed.</summary>
public enum AllowlistFailure
{
    /// <summary>It did not fail.</summary>
    None = 0,
    /// <summary>The map has no room (pitfall 13: visible, never silent).</summary>
    MapFull,
    /// <summary>The attachment's maps are gone (detached meanwhile).</summary>
    AttachmentGone,
    /// <summary>Any other kernel or daemon error; see <see cref="AllowlistWriteResult.Detail"/>.</summary>
    Error,
}

/// <summary>The outcome of an <see cref="IAllowlistWriter"/> call.</summary>
public readonly record struct AllowlistWriteResult(AllowlistFailure Failure, string? Detail = null)
{
    /// <summary>Success.</summary>
    public static AllowlistWriteResult Ok => default;

    /// <summary>Whether it succeeded.</summary>
    public bool Succeeded => Failure == AllowlistFailure.None;

    /// <summary>A failure.</summary>
    public static AllowlistWriteResult Failed(AllowlistFailure failure, string? detail = null) => new(failure, detail);
}
